package io.aqueduct.itests.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.access.PublishAdmission;
import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.ProbeBuilder;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The registry bundle inside Felix, as the appliance ships it, against the embedded registry bundle: switching
 * the node to cluster mode with {@code mongo.uri = embedded} starts both; the node registers and heartbeats,
 * registers itself as origin of its streams, finds origins by key, and refuses a stream that another alive
 * origin holds (that origin is written into the registry with the real MongoDB driver).
 */
public class ClusterRegistryIT extends NodeTestSupport {
    private static final String EMBEDDED_PID = "io.aqueduct.registry.embedded";
    private static final String CLUSTER_PID = "io.aqueduct.cluster";

    private int port;
    private Path data;

    @Override
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        super.probe(probe);
        probe.setHeader(Constants.IMPORT_PACKAGE, String.join(",",
                "io.aqueduct.api.access", "io.aqueduct.api.cluster", "io.aqueduct.api.health",
                "io.aqueduct.api.node", "io.aqueduct.api.stream", "org.osgi.service.cm",
                "com.mongodb", "com.mongodb.client", "com.mongodb.client.model", "com.mongodb.client.result",
                "org.bson", "org.bson.conversions"));
        return probe;
    }

    @Before
    public void joinTheEmbeddedRegistry() throws Exception {
        resetNode();
        port = freePort();
        data = Files.createTempDirectory("aqueduct-registry-it").resolve("registry.mv.db");
        configure(EMBEDDED_PID, "host", "127.0.0.1", "port", port, "path", data.toString());
        configure(CLUSTER_PID, "heartbeat.period.ms", 200L, "dead.after.ms", 1500L, "timeout.ms", 1000L);
        configureNode("mode", "cluster", "role", "origin", "mongo.uri", "embedded");
        awaitNode(NodeMode.CLUSTER, NodeRole.ORIGIN);
    }

    @After
    public void leave() throws Exception {
        resetNode();
        delete(CLUSTER_PID);
        delete(EMBEDDED_PID);
        awaitBundleState("io.aqueduct.cluster.mongo", Bundle.RESOLVED);
    }

    @Test
    public void theNodeRegistersHeartbeatsAndHoldsItsStreams() throws Exception {
        awaitBundleState("io.aqueduct.cluster.mongo", Bundle.ACTIVE);
        awaitBundleState("io.aqueduct.cluster.embedded", Bundle.ACTIVE);
        HealthCheck registry = await("the cluster-registry check UP", () -> health("cluster-registry"),
                h -> h != null && h.status() == HealthCheck.Status.UP);
        assertTrue(registry.message(), registry.message().contains("mongodb://127.0.0.1:" + port));
        String self = awaitService(NodeIdentity.class).nodeId();

        ClusterView view = awaitService(ClusterView.class);
        ClusterNode node = await("this node in the registry", () -> only(view.nodes()), n -> n != null);
        assertEquals(self, node.id());
        assertTrue("alive: " + node, node.alive());
        assertEquals("origin", node.role());
        assertEquals("127.0.0.1", node.address());
        Instant first = node.lastHeartbeat();
        await("a later heartbeat than " + first, () -> only(view.nodes()).lastHeartbeat(), t -> t.isAfter(first));

        // a stream published into the hub is registered with this node as origin, and released when it ends
        StreamKey key = StreamKey.parse("live/pax");
        Publication publication = awaitService(StreamHub.class).publish(key);
        try {
            ClusterStream stream = await("live/pax registered", () -> view.lookup(key).orElse(null), s -> s != null);
            assertEquals(self, stream.originNode());
            assertEquals("127.0.0.1", stream.originAddress());
            assertTrue(stream.originAlive());
        } finally {
            publication.close();
        }
        await("live/pax released", view::streams, List::isEmpty);
    }

    @Test
    public void aStreamLiveOnAnotherAliveOriginIsRefusedAndTakenOverWhenItDies() throws Exception {
        ClusterView view = awaitService(ClusterView.class);
        await("registered", () -> health("cluster-registry"), h -> h != null && h.status() == HealthCheck.Status.UP);
        PublishAdmission admission = awaitService(PublishAdmission.class);

        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port)) {
            // another origin, alive: its heartbeat is the server's time now; it holds live/taken
            client.getDatabase("aqueduct").getCollection("nodes").updateOne(Filters.eq("_id", "other-origin"),
                    Updates.combine(Updates.set("address", "10.0.0.9"), Updates.set("role", "origin"),
                            Updates.currentDate("lastHeartbeat")), new UpdateOptions().upsert(true));
            client.getDatabase("aqueduct").getCollection("streams").insertOne(new Document("_id", "live/taken")
                    .append("originNode", "other-origin").append("originAddress", "10.0.0.9").append("epoch", 1L));

            String refusal = admit(admission, "live/taken");
            assertEquals("stream live/taken is live on origin other-origin (10.0.0.9); a second origin is refused "
                    + "while that one is alive", refusal);
            Optional<ClusterStream> held = view.lookup(StreamKey.parse("live/taken"));
            assertEquals("other-origin", held.map(ClusterStream::originNode).orElse(null));
            assertNull("another key is free", admit(admission, "live/free"));

            // the other origin stops heartbeating: once dead (1.5 s) the stream may be taken over
            await("other-origin dead", () -> view.nodes().stream().filter(n -> n.id().equals("other-origin"))
                    .findFirst().orElse(null), n -> n != null && !n.alive());
        }
        assertNull("taken over from the dead origin", admit(admission, "live/taken"));
        String self = awaitService(NodeIdentity.class).nodeId();
        assertEquals(self, view.lookup(StreamKey.parse("live/taken")).map(ClusterStream::originNode).orElse(null));
    }

    /**
     * Publishes as RTMP does (the admission's claim, then the hub) from several threads at once, with a listener
     * that throws on every start: every publish succeeds, and once the streams end no stream is left in the hub
     * and no claim in the registry; every key is admitted and published again.
     */
    @Test
    public void aBurstOfAdmittedPublishesLeavesNoStreamAndNoClaim() throws Exception {
        ClusterView view = awaitService(ClusterView.class);
        await("registered", () -> health("cluster-registry"), h -> h != null && h.status() == HealthCheck.Status.UP);
        PublishAdmission admission = awaitService(PublishAdmission.class);
        StreamHub hub = awaitService(StreamHub.class);
        // 8 threads x 10 keys x 5 rounds: 400 admissions (registry round trips, one at a time on the registry's
        // thread), each followed by 5 publishes, as encoders that reconnect at once do: 2,000 publishes
        PublisherBurst burst = new PublisherBurst(8, 10, 5);
        PublisherBurst.Cycle admitAndPublish = key -> {
            String refusal = admit(admission, key.toString());
            if (refusal != null) {
                return "refused: " + refusal;
            }
            for (int i = 0; i < 5; i++) {
                String failure = PublisherBurst.publishAndUnpublish(hub, key);
                if (failure != null) {
                    return failure;
                }
            }
            return null;
        };
        ServiceRegistration<StreamLifecycleListener> throwing = context().registerService(
                StreamLifecycleListener.class, new StreamLifecycleListener() {
                    @Override
                    public void streamStarted(StreamKey key) {
                        throw new IllegalStateException("a listener's bug on the start of " + key);
                    }
                }, null);
        List<String> failures;
        try {
            failures = burst.run(admitAndPublish);
        } finally {
            throwing.unregister();
        }
        assertEquals("every admitted publish of the burst succeeds", List.of(), failures);
        assertEquals("no stream is left in the hub", List.of(), hub.streams());
        await("no claim left in the registry", view::streams, List::isEmpty);

        List<String> again = new ArrayList<>();
        for (StreamKey key : burst.keys()) {
            String failure = admitAndPublish.run(key);
            if (failure != null) {
                again.add(key + ": " + failure);
            }
        }
        assertEquals("every key is admitted and published again", List.of(), again);
        await("no claim left in the registry", view::streams, List::isEmpty);
    }

    private static String admit(PublishAdmission admission, String key) throws Exception {
        return admission.admitPublish(new AccessRequest("rtmp", StreamKey.parse(key),
                new InetSocketAddress("127.0.0.1", 50000), Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ClusterNode only(List<ClusterNode> nodes) {
        return nodes.size() == 1 ? nodes.get(0) : null;
    }

    private void awaitBundleState(String symbolicName, int state) {
        await(symbolicName + " " + stateName(state), () -> {
            for (Bundle b : context().getBundles()) {
                if (b.getSymbolicName().equals(symbolicName)) {
                    return stateName(b.getState());
                }
            }
            return "not installed";
        }, s -> s.equals(stateName(state)));
    }

    private void configure(String pid, Object... keysAndValues) throws IOException {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        awaitService(ConfigurationAdmin.class).getConfiguration(pid, "?").update(properties);
    }

    private void delete(String pid) throws IOException {
        awaitService(ConfigurationAdmin.class).getConfiguration(pid, "?").delete();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
