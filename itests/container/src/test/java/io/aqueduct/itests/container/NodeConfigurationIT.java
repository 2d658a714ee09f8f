package io.aqueduct.itests.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The {@code io.aqueduct.node} configuration, changed through ConfigAdmin, reaches the role manager: the
 * NodeIdentity service follows a good configuration and keeps its previous one when a bad one is rejected.
 */
public class NodeConfigurationIT extends NodeTestSupport {

    private static final String MONGO = "mongodb://127.0.0.1:27017";

    @Before
    @After
    public void noNodeConfiguration() throws Exception {
        resetNode();
    }

    @Test
    public void aClusterEdgeConfigurationReachesTheRoleManager() throws Exception {
        NodeView standalone = awaitNode(NodeMode.STANDALONE, NodeRole.STANDALONE);

        configureNode("mode", "cluster", "role", "edge", "mongo.uri", MONGO);
        NodeView edge = awaitNode(NodeMode.CLUSTER, NodeRole.EDGE);
        assertEquals("NodeIdentity should be updated in place (same service, new properties), not re-registered",
                standalone.serviceId(), edge.serviceId());

        configureNode("mode", "standalone");
        NodeView back = awaitNode(NodeMode.STANDALONE, NodeRole.STANDALONE);
        assertEquals("NodeIdentity should stay the same service when going back to standalone",
                standalone.serviceId(), back.serviceId());
    }

    @Test
    public void deletingTheConfigurationGoesBackToStandalone() throws Exception {
        configureNode("mode", "cluster", "role", "origin", "mongo.uri", MONGO);
        awaitNode(NodeMode.CLUSTER, NodeRole.ORIGIN);

        resetNode();
        awaitNode(NodeMode.STANDALONE, NodeRole.STANDALONE);
    }

    @Test
    public void anUnknownModeIsRejectedAndThePreviousConfigurationKept() throws Exception {
        configureNode("mode", "cluster", "role", "origin", "mongo.uri", MONGO);
        NodeView before = awaitNode(NodeMode.CLUSTER, NodeRole.ORIGIN);

        configureNode("mode", "bogus", "role", "edge", "mongo.uri", MONGO);
        assertRejected("mode", "bogus");
        assertEquals("a rejected configuration should leave the node as it was (cluster origin)", before, node());

        configureNode("mode", "cluster", "role", "edge", "mongo.uri", MONGO);
        awaitNode(NodeMode.CLUSTER, NodeRole.EDGE);
        awaitNodeConfigHealth("UP again once a good configuration arrives",
                h -> h.status() == HealthCheck.Status.UP);
    }

    @Test
    public void anUnknownClusterRoleIsRejectedAndThePreviousConfigurationKept() throws Exception {
        NodeView before = awaitNode(NodeMode.STANDALONE, NodeRole.STANDALONE);

        configureNode("mode", "cluster", "role", "captain", "mongo.uri", MONGO);
        assertRejected("role", "captain");
        assertEquals("a rejected configuration should leave the node as it was (standalone)", before, node());

        configureNode("mode", "cluster", "role", "lb", "mongo.uri", MONGO);
        awaitNode(NodeMode.CLUSTER, NodeRole.LB);
        awaitNodeConfigHealth("UP again once a good configuration arrives",
                h -> h.status() == HealthCheck.Status.UP);
    }

    /** The node-config indicator turns DEGRADED, naming the key and the value it refused. */
    private void assertRejected(String key, String value) {
        HealthCheck health = awaitNodeConfigHealth("DEGRADED for " + key + " = " + value,
                h -> h.status() == HealthCheck.Status.DEGRADED);
        assertTrue("the rejection message should name the key '" + key + "': " + health.message(),
                health.message().contains(key));
        assertTrue("the rejection message should name the value '" + value + "': " + health.message(),
                health.message().contains(value));
    }
}
