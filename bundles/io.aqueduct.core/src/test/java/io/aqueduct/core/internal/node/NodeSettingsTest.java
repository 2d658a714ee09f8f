package io.aqueduct.core.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {

    @Test
    void noConfigurationMeansStandalone() {
        assertEquals(NodeSettings.DEFAULTS, NodeSettings.parse(Map.of()));
        assertEquals(NodeRole.STANDALONE, NodeSettings.parse(Map.of("mode", "standalone", "role", "edge")).role(),
                "the role only counts in a cluster");
    }

    @Test
    void clusterModeTakesTheRole() {
        NodeSettings s = NodeSettings.parse(Map.of("mode", "cluster", "role", "edge", "mongo.uri",
                "mongodb://user:pass@10.0.0.5/?authSource=admin", "node.address", "10.0.0.7", "node.group", "eu-1"));
        assertEquals(NodeMode.CLUSTER, s.mode());
        assertEquals(NodeRole.EDGE, s.role());
        assertEquals("10.0.0.7", s.address());
        assertEquals("eu-1", s.group());
        assertEquals(NodeRole.ORIGIN, NodeSettings.parse(Map.of("mode", "cluster", "mongo.uri", "10.0.0.5")).role(),
                "origin is the default cluster role");
    }

    @Test
    void anUnknownModeIsRejectedNamingKeyAndValue() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> NodeSettings.parse(Map.of("mode", "bogus")));
        assertEquals("io.aqueduct.node: mode = 'bogus' is not valid: expected one of standalone, cluster",
                e.getMessage());
    }

    @Test
    void badValuesAreRejected() {
        assertThrows(InvalidSettingException.class, () -> NodeSettings.parse(Map.of("role", "captain")));
        InvalidSettingException noMongo = assertThrows(InvalidSettingException.class,
                () -> NodeSettings.parse(Map.of("mode", "cluster")));
        assertTrue(noMongo.getMessage().contains("mongo.uri"), noMongo.getMessage());
        assertThrows(InvalidSettingException.class,
                () -> NodeSettings.parse(Map.of("mode", "cluster", "mongo.uri", "a b")));
        assertThrows(InvalidSettingException.class, () -> NodeSettings.parse(Map.of("node.group", "a/b")));
        assertThrows(InvalidSettingException.class, () -> NodeSettings.parse(Map.of("node.id", "../x")));
        assertThrows(InvalidSettingException.class, () -> NodeSettings.parse(Map.of("node.address", "10.0.0.1 x")));
    }

    @Test
    void theLogLineShowsEverySettingButNoPassword() {
        NodeSettings s = NodeSettings.parse(Map.of("mode", "cluster", "role", "edge", "node.group", "eu-1",
                "mongo.uri", "mongodb://aq:s3cret@10.0.0.5:27017/?authSource=admin"));
        assertEquals("mode=cluster role=edge address=127.0.0.1 group=eu-1 "
                + "mongo.uri=mongodb://aq:***@10.0.0.5:27017/?authSource=admin", s.describeAll());
    }
}
