package io.aqueduct.cluster.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.cluster.mongo.MongoTarget;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The membership component without a framework: the real hub, the real driver and a real MongoDB-wire-protocol
 * server (mongo-java-server, in memory) on loopback. Short heartbeat and dead-after settings keep it quick.
 */
class ClusterMembershipTest {
    private static final Map<String, Object> FAST = Map.of("heartbeat.period.ms", 100L, "dead.after.ms", 600L,
            "timeout.ms", 500L);

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private MongoServer server;

    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    private int startServer(int port) {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", port);
        return server.getLocalAddress().getPort();
    }

    private record Node(DefaultStreamHub hub, ClusterMembership membership) {
    }

    private Node join(String id, String mongoUri) {
        return join(id, mongoUri, NodeRole.ORIGIN, new DefaultStreamHub());
    }

    private Node join(String id, String mongoUri, NodeRole role, DefaultStreamHub hub) {
        return join(identity(id, () -> role, mongoUri), hub);
    }

    private Node join(NodeIdentity identity, DefaultStreamHub hub) {
        ClusterMembership m = new ClusterMembership(identity, hub, null, "0.1.0.test", 5080,
                ClusterMembership.registryThread(), Ticker.SYSTEM);
        m.activate(FAST);
        hub.addListener(m); // as the whiteboard does in the appliance
        cleanup.add(hub::stop);
        cleanup.add(m::deactivate);
        return new Node(hub, m);
    }

    @Test
    void aNodeRegistersAndHeartbeatsWithItsLoad() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        await("node-a registered", () -> healthy(a));

        ClusterNode self = a.membership().nodes().get(0);
        assertThat(self.id()).isEqualTo("node-a");
        assertThat(self.alive()).isTrue();
        assertThat(self.role()).isEqualTo("origin");
        assertThat(self.address()).isEqualTo("127.0.0.1");
        assertThat(self.ports()).containsEntry("http", 5080).containsEntry("rtmp", 1935)
                .containsEntry("relay", 5000);
        assertThat(self.version()).isEqualTo("0.1.0.test");
        assertThat(self.memoryMax()).isPositive();
        Instant first = self.lastHeartbeat();
        await("a later heartbeat", () -> a.membership().nodes().get(0).lastHeartbeat().isAfter(first));
        assertThat(a.membership().check().message()).contains("registered in mongodb://127.0.0.1:" + port)
                .contains("as node-a (origin)");
    }

    @Test
    void aPublishClaimsTheStreamAndItsEndReleasesIt() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        await("registered", () -> healthy(a));

        assertThat(admit(a, "live/cam1")).isNull();
        Publication p = a.hub().publish(StreamKey.parse("live/cam1"));
        assertThat(a.membership().lookup(StreamKey.parse("live/cam1"))).get()
                .extracting(ClusterStream::originNode, ClusterStream::originAddress)
                .containsExactly("node-a", "127.0.0.1");

        p.close();
        await("released", () -> a.membership().streams().isEmpty());
        assertThat(a.membership().owned()).isEmpty();
    }

    @Test
    void aSecondOriginIsRefusedWhileTheFirstLivesAndTakesOverWhenItDies() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        Node b = join("node-b", "127.0.0.1:" + port);
        await("both registered", () -> healthy(a) && healthy(b));
        assertThat(admit(a, "live/cam1")).isNull();
        Publication p = a.hub().publish(StreamKey.parse("live/cam1"));
        cleanup.add(p::close);

        assertThat(admit(b, "live/cam1")).isEqualTo("stream live/cam1 is live on origin node-a (127.0.0.1); a "
                + "second origin is refused while that one is alive");
        assertThat(admit(b, "live/cam2")).as("another key").isNull();

        a.membership().crash(); // kill -9: no leave, heartbeats stop
        await("node-a dead on node-b", () -> b.membership().nodes().stream()
                .anyMatch(n -> n.id().equals("node-a") && !n.alive()));
        assertThat(admit(b, "live/cam1")).isNull();
        assertThat(b.membership().lookup(StreamKey.parse("live/cam1"))).get()
                .extracting(ClusterStream::originNode).isEqualTo("node-b");
    }

    @Test
    void streamsLiveBeforeJoiningAreRegisteredAtJoin() throws Exception {
        int port = startServer(0);
        DefaultStreamHub hub = new DefaultStreamHub();
        Publication p = hub.publish(StreamKey.parse("live/early"));
        cleanup.add(p::close);
        Node a = join("node-a", "127.0.0.1:" + port, NodeRole.ORIGIN, hub);
        await("live/early registered", () -> healthy(a) && a.membership().streams().size() == 1);
        assertThat(a.membership().streams().get(0).originNode()).isEqualTo("node-a");
    }

    @Test
    void anEdgeHeartbeatsButClaimsNothing() throws Exception {
        int port = startServer(0);
        DefaultStreamHub hub = new DefaultStreamHub();
        Publication p = hub.publish(StreamKey.parse("live/relayed"));
        cleanup.add(p::close);
        Node e = join("edge-1", "127.0.0.1:" + port, NodeRole.EDGE, hub);
        await("registered", () -> healthy(e));
        e.membership().awaitWorker();
        assertThat(e.membership().nodes().get(0).role()).isEqualTo("edge");
        assertThat(e.membership().streams()).isEmpty();
    }

    @Test
    void aRegistryThatIsAwayIsReportedAndStreamsAreRegisteredWhenItComes() throws Exception {
        int port = freePort();
        Node a = join("node-a", "127.0.0.1:" + port);
        await("unreachable reported", () -> a.membership().check().message().contains("cannot reach the registry"));
        HealthCheck down = a.membership().check();
        assertThat(down.status()).isEqualTo(HealthCheck.Status.DEGRADED);
        assertThat(down.message()).contains("mongodb://127.0.0.1:" + port)
                .contains("keeps serving its streams");
        assertThatThrownBy(() -> a.membership().nodes()).isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("cannot reach the registry");

        // a publish goes on without the registry
        assertThat(admit(a, "live/cam1")).isNull();
        Publication p = a.hub().publish(StreamKey.parse("live/cam1"));
        cleanup.add(p::close);

        startServer(port);
        await("registry back and stream registered", () -> healthy(a)
                && a.membership().streams().stream().anyMatch(s -> s.key().equals("live/cam1")));
    }

    @Test
    void aRegistryThatLosesItsDataGetsTheNodeAndItsStreamsBack() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        await("registered", () -> healthy(a));
        assertThat(admit(a, "live/cam1")).isNull();
        Publication p = a.hub().publish(StreamKey.parse("live/cam1"));
        cleanup.add(p::close);

        server.shutdownNow(); // an in-memory registry restarted: everything is gone
        await("unreachable", () -> a.membership().check().message().contains("cannot reach"));
        startServer(port);
        await("node and stream back", () -> healthy(a)
                && a.membership().streams().stream().anyMatch(s -> s.key().equals("live/cam1")));
        assertThat(a.membership().nodes()).extracting(ClusterNode::id).containsExactly("node-a");
    }

    @Test
    void aBadUriIsReportedAndNothingIsTried() throws Exception {
        Node a = join("node-a", "mongodb://db1:99999");
        a.membership().awaitWorker();
        HealthCheck h = a.membership().check();
        assertThat(h.status()).isEqualTo(HealthCheck.Status.DEGRADED);
        assertThat(h.message()).contains("mongo.uri of io.aqueduct.node").contains("mongodb://db1:99999")
                .contains("bin/aqueduct mode cluster <mongo>");
        assertThatThrownBy(() -> a.membership().streams()).isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("mongodb://db1:99999");
        assertThat(admit(a, "live/cam1")).as("publishing goes on").isNull();
    }

    @Test
    void aWrongPasswordSaysAuthenticationFailedAndHidesThePassword() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "mongodb://aqueduct:s3cret@127.0.0.1:" + port + "/?authSource=admin");
        await("failure reported", () -> a.membership().check().message().contains("authentication"));
        String message = a.membership().check().message();
        assertThat(message).contains("as user 'aqueduct'").contains("authSource admin")
                .contains("mongodb://aqueduct:***@127.0.0.1:" + port).doesNotContain("s3cret");
    }

    @Test
    void onlyDeadNodesCanBeDeleted() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        Node b = join("node-b", "127.0.0.1:" + port);
        await("both registered", () -> healthy(a) && healthy(b) && a.membership().nodes().size() == 2);
        assertThatThrownBy(() -> a.membership().deleteNode("node-b")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is alive");
        assertThatThrownBy(() -> a.membership().deleteNode("node-a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is this node");
        b.membership().crash();
        await("node-b dead", () -> a.membership().nodes().stream().anyMatch(n -> n.id().equals("node-b")
                && !n.alive()));
        assertThat(a.membership().deleteNode("node-b")).isTrue();
        assertThat(a.membership().deleteNode("node-b")).isFalse();
        assertThat(a.membership().nodes()).extracting(ClusterNode::id).containsExactly("node-a");
    }

    @Test
    void leavingRemovesTheNodeAndReleasesItsStreams() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        Node b = join("node-b", "127.0.0.1:" + port);
        await("both registered", () -> healthy(a) && healthy(b));
        assertThat(admit(a, "live/cam1")).isNull();
        Publication p = a.hub().publish(StreamKey.parse("live/cam1"));
        cleanup.add(p::close);

        a.membership().deactivate();
        assertThat(b.membership().nodes()).extracting(ClusterNode::id).containsExactly("node-b");
        assertThat(admit(b, "live/cam1")).as("free at once, no dead-after wait").isNull();
    }

    @Test
    void claimsLeftByAnEarlierRunOfTheSameNodeAreReleased() throws Exception {
        int port = startServer(0);
        Node first = join("node-a", "127.0.0.1:" + port);
        await("registered", () -> healthy(first));
        assertThat(admit(first, "live/cam1")).isNull();
        Publication p = first.hub().publish(StreamKey.parse("live/cam1"));
        cleanup.add(p::close);
        first.membership().crash(); // killed with the stream live

        Node again = join("node-a", "127.0.0.1:" + port); // restarted: same id, nothing live
        Node b = join("node-b", "127.0.0.1:" + port);
        await("the stale claim released", () -> healthy(again) && again.membership().streams().isEmpty());
        assertThat(admit(b, "live/cam1")).as("free for another origin while node-a is alive").isNull();
    }

    @Test
    void anOriginSwitchedToEdgeReleasesItsStreams() throws Exception {
        int port = startServer(0);
        java.util.concurrent.atomic.AtomicReference<NodeRole> role = new java.util.concurrent.atomic.AtomicReference<>(
                NodeRole.ORIGIN);
        Node a = join(identity("node-a", role::get, "127.0.0.1:" + port), new DefaultStreamHub());
        await("registered", () -> healthy(a));
        assertThat(admit(a, "live/cam1")).isNull();
        Publication p = a.hub().publish(StreamKey.parse("live/cam1"));
        cleanup.add(p::close);
        await("claimed", () -> a.membership().streams().size() == 1);

        role.set(NodeRole.EDGE);
        a.membership().updatedNode(null);
        await("released on the edge", () -> a.membership().streams().isEmpty()
                && a.membership().nodes().get(0).role().equals("edge"));
    }

    @Test
    void damagedRegistryDocumentsDoNotBreakListingsOrClaims() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        await("registered", () -> healthy(a));
        try (com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(
                "mongodb://127.0.0.1:" + port)) {
            com.mongodb.client.MongoDatabase db = client.getDatabase(MongoTarget.DEFAULT_DATABASE);
            db.getCollection("nodes").insertOne(new org.bson.Document("_id", "weird").append("cpu", "high"));
            db.getCollection("streams").insertOne(new org.bson.Document("_id", "live/bad"));
        }
        assertThat(a.membership().nodes()).extracting(ClusterNode::id, ClusterNode::alive)
                .contains(org.assertj.core.groups.Tuple.tuple("weird", false));
        assertThat(a.membership().streams()).extracting(ClusterStream::key).contains("live/bad");
        assertThat(admit(a, "live/bad")).as("a stream without an origin may be taken").isNull();
        assertThat(a.membership().lookup(StreamKey.parse("live/bad"))).get()
                .extracting(ClusterStream::originNode).isEqualTo("node-a");
        assertThat(a.membership().check().status()).isEqualTo(HealthCheck.Status.UP);
    }

    @Test
    void everyNodeReadsTheSameClusterSecret() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        Node b = join("edge-1", "127.0.0.1:" + port, NodeRole.EDGE, new DefaultStreamHub());
        await("both registered", () -> healthy(a) && healthy(b));
        assertThat(a.membership().secret()).hasSize(32).isEqualTo(b.membership().secret());
    }

    private static String admit(Node n, String key) throws Exception {
        return n.membership().admitPublish(new AccessRequest("rtmp", StreamKey.parse(key),
                new InetSocketAddress("127.0.0.1", 40000), Map.of())).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static boolean healthy(Node n) {
        return n.membership().check().status() == HealthCheck.Status.UP;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RegistryUnavailableException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static NodeIdentity identity(String id, java.util.function.Supplier<NodeRole> role, String registry) {
        Instant started = Instant.now();
        return new NodeIdentity() {
            @Override
            public String nodeId() {
                return id;
            }

            @Override
            public NodeMode mode() {
                return NodeMode.CLUSTER;
            }

            @Override
            public NodeRole role() {
                return role.get();
            }

            @Override
            public String address() {
                return "127.0.0.1";
            }

            @Override
            public String registry() {
                return registry;
            }

            @Override
            public String group() {
                return "";
            }

            @Override
            public Instant started() {
                return started;
            }
        };
    }
}
