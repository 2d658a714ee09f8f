package io.aqueduct.cluster.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
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
import io.aqueduct.testing.LogCapture;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The membership component without a framework: the real hub, the real driver and a real MongoDB-wire-protocol
 * server (mongo-java-server, in memory) on loopback, all in simulated time ({@link SimulatedTime}): the nodes'
 * registry threads run on the test's thread when the test moves time on, and the server stamps heartbeats with the
 * same simulated clock ({@link SimulatedClockBackend}), so heartbeats, dead-after, backoff and admission grace are
 * exact and nothing waits for them. Only the driver's own timeouts run in real time (a call to a registry that is
 * away fails after {@code timeout.ms}), so that setting is short where the registry goes away. One test runs on the
 * production registry thread and clock.
 */
class ClusterMembershipTest {
    private static final Duration PERIOD = Duration.ofMillis(RegistrySettings.DEFAULT_HEARTBEAT_MS);
    private static final Duration DEAD_AFTER = Duration.ofMillis(RegistrySettings.DEFAULT_DEAD_AFTER_MS);
    /** timeout.ms where the registry goes away: every try at a registry that is away takes this in real time. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
    private static final String MEMBERSHIP_LOG = ClusterMembership.class.getName() + " - ";

    private final SimulatedTime time = new SimulatedTime();
    private Map<String, Object> settings = settings(Duration.ofMillis(RegistrySettings.DEFAULT_TIMEOUT_MS));
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

    private static Map<String, Object> settings(Duration timeout) {
        return Map.of("heartbeat.period.ms", PERIOD.toMillis(), "dead.after.ms", DEAD_AFTER.toMillis(),
                "timeout.ms", timeout.toMillis());
    }

    /** For a test whose registry goes away: nodes joining after this wait less for it. */
    private void registryWillGoAway() {
        settings = settings(SHORT_TIMEOUT);
    }

    /** A registry server whose time is the simulated time, answering when this returns. */
    private int startServer(int port) {
        server = new MongoServer(new SimulatedClockBackend(time.clock()));
        server.bind("127.0.0.1", port);
        int bound = server.getLocalAddress().getPort();
        // The nodes' first try is made at once in simulated time, with their short timeout in real time: let this
        // JVM and the server warm up first (loading the driver's classes alone can take longer on a busy machine).
        try (com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(
                com.mongodb.MongoClientSettings.builder()
                        .applyConnectionString(new com.mongodb.ConnectionString("mongodb://127.0.0.1:" + bound))
                        .applyToClusterSettings(b -> b.serverSelectionTimeout(30, TimeUnit.SECONDS)).build())) {
            client.getDatabase("admin").runCommand(new org.bson.Document("ping", 1));
        }
        return bound;
    }

    private record Node(DefaultStreamHub hub, ClusterMembership membership) {
    }

    private Node join(String id, String mongoUri) {
        return join(id, mongoUri, NodeRole.ORIGIN, new DefaultStreamHub());
    }

    private Node join(String id, String mongoUri, NodeRole role, DefaultStreamHub hub) {
        return join(identity(id, () -> role, mongoUri), hub);
    }

    /** A node whose registry thread runs in simulated time; it has made its first try when this returns. */
    private Node join(NodeIdentity identity, DefaultStreamHub hub) {
        Node n = join(identity, hub, time.newScheduler(), time, settings);
        time.runDue();
        return n;
    }

    private Node join(NodeIdentity identity, DefaultStreamHub hub, java.util.concurrent.ScheduledExecutorService worker,
            Ticker ticker, Map<String, Object> settings) {
        ClusterMembership m = new ClusterMembership(identity, hub, null, "0.1.0.test", 5080, worker, ticker);
        m.activate(settings);
        hub.addListener(m); // as the whiteboard does in the appliance
        cleanup.add(hub::stop);
        cleanup.add(m::deactivate);
        return new Node(hub, m);
    }

    private Publication publish(Node n, String key) throws Exception {
        Publication p = n.hub().publish(StreamKey.parse(key));
        cleanup.add(p::close);
        time.runDue(); // the registry thread hears of it
        return p;
    }

    @Test
    void aNodeRegistersAndHeartbeatsWithItsLoad() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        assertThat(healthy(a)).isTrue();

        ClusterNode self = a.membership().nodes().get(0);
        assertThat(self.id()).isEqualTo("node-a");
        assertThat(self.alive()).isTrue();
        assertThat(self.role()).isEqualTo("origin");
        assertThat(self.address()).isEqualTo("127.0.0.1");
        assertThat(self.ports()).containsEntry("http", 5080).containsEntry("rtmp", 1935)
                .containsEntry("relay", 5000);
        assertThat(self.version()).isEqualTo("0.1.0.test");
        assertThat(self.memoryMax()).isPositive();
        assertThat(self.lastHeartbeat()).as("stamped with the server's (simulated) time").isEqualTo(time.now());
        Instant first = self.lastHeartbeat();

        time.advance(PERIOD.minusMillis(1));
        assertThat(a.membership().nodes().get(0).lastHeartbeat()).isEqualTo(first);
        time.advance(Duration.ofMillis(1));
        assertThat(a.membership().nodes().get(0).lastHeartbeat()).isEqualTo(first.plus(PERIOD));
        assertThat(a.membership().check().message()).contains("registered in mongodb://127.0.0.1:" + port)
                .contains("as node-a (origin), last heartbeat 0 ms ago");
    }

    @Test
    void onTheProductionRegistryThreadANodeRegistersAndHeartbeats() throws Exception {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        int port = server.getLocalAddress().getPort();
        DefaultStreamHub hub = new DefaultStreamHub();
        Node a = join(identity("node-a", () -> NodeRole.ORIGIN, "127.0.0.1:" + port), hub,
                ClusterMembership.registryThread(), Ticker.SYSTEM,
                Map.of("heartbeat.period.ms", 100L, "dead.after.ms", 600L, "timeout.ms", 500L));
        await("node-a registered", () -> healthy(a));
        Instant first = a.membership().nodes().get(0).lastHeartbeat();
        await("a later heartbeat", () -> a.membership().nodes().get(0).lastHeartbeat().isAfter(first));
        CompletableFuture<String> admitted = a.membership().admitPublish(request("live/cam1")).toCompletableFuture();
        assertThat(admitted.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(a.membership().lookup(StreamKey.parse("live/cam1"))).get()
                .extracting(ClusterStream::originNode).isEqualTo("node-a");
    }

    @Test
    void aPublishClaimsTheStreamAndItsEndReleasesIt() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);

        assertThat(admit(a, "live/cam1")).isNull();
        Publication p = publish(a, "live/cam1");
        assertThat(a.membership().lookup(StreamKey.parse("live/cam1"))).get()
                .extracting(ClusterStream::originNode, ClusterStream::originAddress)
                .containsExactly("node-a", "127.0.0.1");

        p.close();
        time.runDue();
        assertThat(a.membership().streams()).isEmpty();
        assertThat(a.membership().owned()).isEmpty();
    }

    @Test
    void aSecondOriginIsRefusedWhileTheFirstLivesAndTakesOverWhenItDies() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        Node b = join("node-b", "127.0.0.1:" + port);
        assertThat(admit(a, "live/cam1")).isNull();
        publish(a, "live/cam1");

        assertThat(admit(b, "live/cam1")).isEqualTo("stream live/cam1 is live on origin node-a (127.0.0.1); a "
                + "second origin is refused while that one is alive");
        assertThat(admit(b, "live/cam2")).as("another key").isNull();

        a.membership().crash(); // kill -9: no leave, heartbeats stop
        time.advance(DEAD_AFTER.plusMillis(1));
        assertThat(node(b, "node-a").alive()).isFalse();
        assertThat(admit(b, "live/cam1")).isNull();
        assertThat(lookup(b, "live/cam1")).get().extracting(ClusterStream::originNode).isEqualTo("node-b");
    }

    @Test
    void aNodeIsDeadExactlyWhenItsHeartbeatIsOlderThanDeadAfter() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        Node b = join("node-b", "127.0.0.1:" + port);
        assertThat(admit(b, "live/cam1")).isNull();
        publish(b, "live/cam1");
        time.advance(PERIOD.multipliedBy(3));
        Instant lastOfB = time.now();
        b.membership().crash(); // its last heartbeat was just now

        time.advance(DEAD_AFTER);
        ClusterNode atDeadAfter = node(a, "node-b");
        assertThat(atDeadAfter.lastHeartbeat()).isEqualTo(lastOfB);
        assertThat(atDeadAfter.heartbeatAge()).isEqualTo(DEAD_AFTER);
        assertThat(atDeadAfter.alive()).as("a heartbeat exactly dead.after.ms old is alive").isTrue();
        assertThat(admit(a, "live/cam1")).as("its stream is not taken over yet").startsWith("stream live/cam1 is live "
                + "on origin node-b");

        time.advance(Duration.ofMillis(1));
        ClusterNode after = node(a, "node-b");
        assertThat(after.heartbeatAge()).isEqualTo(DEAD_AFTER.plusMillis(1));
        assertThat(after.alive()).as("older than dead.after.ms: dead").isFalse();
        assertThat(node(a, "node-a").alive()).isTrue();
        assertThat(a.membership().streams()).extracting(ClusterStream::key, ClusterStream::originAlive)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("live/cam1", false));
        assertThat(admit(a, "live/cam1")).as("a dead origin's stream is taken over").isNull();
        assertThat(a.membership().lookup(StreamKey.parse("live/cam1"))).get()
                .extracting(ClusterStream::originNode).isEqualTo("node-a");
    }

    @Test
    void streamsLiveBeforeJoiningAreRegisteredAtJoin() throws Exception {
        int port = startServer(0);
        DefaultStreamHub hub = new DefaultStreamHub();
        Publication p = hub.publish(StreamKey.parse("live/early"));
        cleanup.add(p::close);
        Node a = join("node-a", "127.0.0.1:" + port, NodeRole.ORIGIN, hub);
        assertThat(a.membership().streams()).extracting(ClusterStream::key, ClusterStream::originNode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("live/early", "node-a"));
    }

    @Test
    void anEdgeHeartbeatsButClaimsNothing() throws Exception {
        int port = startServer(0);
        DefaultStreamHub hub = new DefaultStreamHub();
        Publication p = hub.publish(StreamKey.parse("live/relayed"));
        cleanup.add(p::close);
        Node e = join("edge-1", "127.0.0.1:" + port, NodeRole.EDGE, hub);
        time.advance(PERIOD);
        assertThat(e.membership().nodes().get(0).role()).isEqualTo("edge");
        assertThat(e.membership().streams()).isEmpty();
    }

    @Test
    void aRegistryThatIsAwayIsReportedAndStreamsAreRegisteredWhenItComes() throws Exception {
        registryWillGoAway();
        int port = freePort();
        Node a = join("node-a", "127.0.0.1:" + port);
        HealthCheck down = a.membership().check();
        assertThat(down.status()).isEqualTo(HealthCheck.Status.DEGRADED);
        assertThat(down.message()).contains("cannot reach the registry").contains("mongodb://127.0.0.1:" + port)
                .contains("keeps serving its streams");
        assertThatThrownBy(() -> a.membership().nodes()).isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("cannot reach the registry");

        // a publish goes on without the registry
        assertThat(admit(a, "live/cam1")).isNull();
        publish(a, "live/cam1");

        startServer(port);
        advanceUntil("registry back and stream registered", () -> healthy(a)
                && a.membership().streams().stream().anyMatch(s -> s.key().equals("live/cam1")));
    }

    @Test
    void aRegistryThatLosesItsDataGetsTheNodeAndItsStreamsBack() throws Exception {
        registryWillGoAway();
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        assertThat(admit(a, "live/cam1")).isNull();
        publish(a, "live/cam1");

        server.shutdownNow(); // an in-memory registry restarted: everything is gone
        time.advance(PERIOD);
        assertThat(a.membership().check().message()).contains("cannot reach");
        startServer(port);
        advanceUntil("node and stream back", () -> healthy(a)
                && a.membership().streams().stream().anyMatch(s -> s.key().equals("live/cam1")));
        assertThat(a.membership().nodes()).extracting(ClusterNode::id).containsExactly("node-a");
    }

    @Test
    void afterTheRegistryGoesDownTriesWaitTwiceAsLongUpTo10sAndOnePeriodOnceItAnswers() throws Exception {
        registryWillGoAway();
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        server.shutdownNow();
        time.advance(PERIOD); // the next heartbeat fails

        List<Long> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= 6; attempt++) {
            Outage o = outage(a);
            assertThat(o.attempts()).isEqualTo(attempt);
            delays.add(o.retryMillis());
            time.advance(Duration.ofMillis(o.retryMillis() - 1));
            assertThat(outage(a).attempts()).as("no try before the delay is over").isEqualTo(attempt);
            time.advance(Duration.ofMillis(1));
        }
        assertThat(delays).containsExactly(2000L, 4000L, 8000L, 10_000L, 10_000L, 10_000L);
        assertThat(outage(a).attempts()).isEqualTo(7);

        startServer(port);
        advanceUntil("the registry answers again", () -> healthy(a));
        Instant back = node(a, "node-a").lastHeartbeat();
        time.advance(PERIOD);
        assertThat(node(a, "node-a").lastHeartbeat()).as("one period after the good tick, not a backoff")
                .isEqualTo(back.plus(PERIOD));
    }

    @Test
    void whileTheRegistryIsAwayAPublishIsAdmittedAtOnceWithinTheTimeoutOfTheLastTryAndTriesItAfter() throws Exception {
        registryWillGoAway();
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        server.shutdownNow();
        time.advance(PERIOD); // the heartbeat fails: one attempt, the next in 2 s
        assertThat(outage(a).attempts()).isEqualTo(1);

        time.advance(SHORT_TIMEOUT.minusMillis(1));
        assertThat(admit(a, "live/cam1")).as("admitted without a claim").isNull();
        assertThat(outage(a).attempts()).as("within timeout.ms of the failed try the registry is not tried")
                .isEqualTo(1);

        time.advance(Duration.ofMillis(1));
        assertThat(admit(a, "live/cam2")).as("admitted: the try failed").isNull();
        assertThat(outage(a).attempts()).as("timeout.ms after the failed try the registry is tried again")
                .isEqualTo(2);
        assertThat(admit(a, "live/cam3")).isNull();
        assertThat(outage(a).attempts()).as("and then not again at once").isEqualTo(2);

        publish(a, "live/cam2");
        startServer(port);
        advanceUntil("the stream published meanwhile registered", () -> healthy(a)
                && a.membership().lookup(StreamKey.parse("live/cam2")).isPresent());
    }

    @Test
    void aClaimGrantedToAPublishIsKeptForTheAdmissionGraceUntilTheStreamStarts() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        assertThat(admit(a, "live/slow")).isNull(); // its publisher never gets to the hub
        assertThat(admit(a, "live/cam1")).isNull();
        time.advance(PERIOD.multipliedBy(5));
        publish(a, "live/cam1"); // this one does, within the grace

        time.advance(OriginClaims.ADMISSION_GRACE.minus(PERIOD.multipliedBy(5)));
        assertThat(lookup(a, "live/slow")).as("kept for %s while the publisher starts", OriginClaims.ADMISSION_GRACE)
                .isPresent();
        time.advance(PERIOD);
        assertThat(lookup(a, "live/slow")).as("released at the first heartbeat after the grace").isEmpty();
        assertThat(lookup(a, "live/cam1")).as("a stream that started stays claimed").isPresent();
    }

    @Test
    void anOutageIsLoggedOnceWhenItStartsOnceAMinuteWhileItLastsAndOnceWhenItEnds() throws Exception {
        registryWillGoAway();
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        try (LogCapture log = new LogCapture()) {
            server.shutdownNow();
            long start = time.nanoTime();
            List<Duration> downLines = new ArrayList<>(); // when each ERROR or WARN line of the outage came
            while (time.nanoTime() - start < TimeUnit.MINUTES.toNanos(3)) {
                time.advance(Duration.ofSeconds(1));
                while (count(log, "Registry unreachable: ") + count(log, "Registry still unreachable (")
                        > downLines.size()) {
                    downLines.add(Duration.ofNanos(time.nanoTime() - start));
                }
            }
            assertThat(count(log, "Registry unreachable: cannot reach the registry at mongodb://127.0.0.1:" + port))
                    .as("the outage's start, once").isEqualTo(1);
            assertThat(downLines.get(0)).as("at the first failed heartbeat").isEqualTo(PERIOD);
            for (int i = 1; i < downLines.size(); i++) {
                // a line when a try fails more than a minute after the previous line; tries are 10 s apart
                assertThat(downLines.get(i).minus(downLines.get(i - 1)))
                        .isGreaterThan(RegistryOutage.STILL_DOWN_LOG)
                        .isLessThanOrEqualTo(RegistryOutage.STILL_DOWN_LOG.plusMillis(RegistryOutage.MAX_BACKOFF_MS));
            }
            assertThat(count(log, "Registry still unreachable (")).as("still down, once a minute").isEqualTo(2);
            assertThat(count(log, MEMBERSHIP_LOG)).as("nothing else logged: 20 failed tries, 3 lines")
                    .isEqualTo(downLines.size());
            assertThat(outage(a).attempts()).as("at 1, 3, 7, 15, 25, 35 ... 175 s").isEqualTo(20);

            startServer(port);
            advanceUntil("the registry answers again", () -> healthy(a));
            time.advance(Duration.ofMinutes(2));
            assertThat(count(log, "Registry mongodb://127.0.0.1:" + port + "/ reachable again after ")).isEqualTo(1);
            assertThat(count(log, "Registry unreachable: ") + count(log, "Registry still unreachable ("))
                    .as("nothing more once it is back").isEqualTo(downLines.size());
        }
    }

    @Test
    void aBadUriIsReportedAndNothingIsTried() throws Exception {
        Node a = join("node-a", "mongodb://db1:99999");
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
        String message = a.membership().check().message();
        assertThat(message).contains("authentication").contains("as user 'aqueduct'").contains("authSource admin")
                .contains("mongodb://aqueduct:***@127.0.0.1:" + port).doesNotContain("s3cret");
    }

    @Test
    void onlyDeadNodesCanBeDeleted() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        Node b = join("node-b", "127.0.0.1:" + port);
        assertThat(a.membership().nodes()).hasSize(2);
        assertThatThrownBy(() -> a.membership().deleteNode("node-b")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is alive");
        assertThatThrownBy(() -> a.membership().deleteNode("node-a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is this node");
        b.membership().crash();
        time.advance(DEAD_AFTER);
        assertThatThrownBy(() -> a.membership().deleteNode("node-b")).as("not dead yet")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is alive");
        time.advance(Duration.ofMillis(1));
        assertThat(a.membership().deleteNode("node-b")).isTrue();
        assertThat(a.membership().deleteNode("node-b")).isFalse();
        assertThat(a.membership().nodes()).extracting(ClusterNode::id).containsExactly("node-a");
    }

    @Test
    void leavingRemovesTheNodeAndReleasesItsStreams() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
        Node b = join("node-b", "127.0.0.1:" + port);
        assertThat(admit(a, "live/cam1")).isNull();
        publish(a, "live/cam1");

        a.membership().deactivate();
        assertThat(b.membership().nodes()).extracting(ClusterNode::id).containsExactly("node-b");
        assertThat(admit(b, "live/cam1")).as("free at once, no dead-after wait").isNull();
    }

    @Test
    void claimsLeftByAnEarlierRunOfTheSameNodeAreReleased() throws Exception {
        int port = startServer(0);
        Node first = join("node-a", "127.0.0.1:" + port);
        assertThat(admit(first, "live/cam1")).isNull();
        publish(first, "live/cam1");
        first.membership().crash(); // killed with the stream live

        Node again = join("node-a", "127.0.0.1:" + port); // restarted: same id, nothing live
        Node b = join("node-b", "127.0.0.1:" + port);
        assertThat(healthy(again)).isTrue();
        assertThat(again.membership().streams()).as("the stale claim released at the first heartbeat").isEmpty();
        assertThat(admit(b, "live/cam1")).as("free for another origin while node-a is alive").isNull();
    }

    @Test
    void anOriginSwitchedToEdgeReleasesItsStreams() throws Exception {
        int port = startServer(0);
        AtomicReference<NodeRole> role = new AtomicReference<>(NodeRole.ORIGIN);
        Node a = join(identity("node-a", role::get, "127.0.0.1:" + port), new DefaultStreamHub());
        assertThat(admit(a, "live/cam1")).isNull();
        publish(a, "live/cam1");
        assertThat(a.membership().streams()).hasSize(1);

        role.set(NodeRole.EDGE);
        a.membership().updatedNode(null);
        time.advance(PERIOD);
        assertThat(a.membership().streams()).as("released on the edge").isEmpty();
        assertThat(a.membership().nodes().get(0).role()).isEqualTo("edge");
    }

    @Test
    void damagedRegistryDocumentsDoNotBreakListingsOrClaims() throws Exception {
        int port = startServer(0);
        Node a = join("node-a", "127.0.0.1:" + port);
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
        assertThat(a.membership().secret()).hasSize(32).isEqualTo(b.membership().secret());
    }

    /** Asks the node to admit a publish; its registry thread answers when the test runs what is due. */
    private String admit(Node n, String key) {
        CompletableFuture<String> answer = n.membership().admitPublish(request(key)).toCompletableFuture();
        time.runDue();
        assertThat(answer).as("answered on the registry thread").isDone();
        return answer.join();
    }

    private static AccessRequest request(String key) {
        return new AccessRequest("rtmp", StreamKey.parse(key), new InetSocketAddress("127.0.0.1", 40000), Map.of());
    }

    private static Optional<ClusterStream> lookup(Node n, String key) {
        return n.membership().lookup(StreamKey.parse(key));
    }

    private static ClusterNode node(Node observer, String id) {
        return observer.membership().nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    private static boolean healthy(Node n) {
        return n.membership().check().status() == HealthCheck.Status.UP;
    }

    private record Outage(int attempts, long retryMillis) {
    }

    private static final Pattern OUTAGE = Pattern.compile(
            "(\\d+) attempt\\(s\\); this node keeps serving its streams and tries again in (\\d+) ms");

    /** What /health says about the registry being away. */
    private static Outage outage(Node n) {
        HealthCheck h = n.membership().check();
        Matcher m = OUTAGE.matcher(h.message());
        assertThat(m.find()).as("an outage in %s", h.message()).isTrue();
        return new Outage(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }

    private static int count(LogCapture log, String text) {
        return (int) log.text().lines().filter(l -> l.contains(text)).count();
    }

    /**
     * Moves simulated time on a heartbeat period at a time until the condition holds: for a registry coming back,
     * which the driver finds in real time (its monitor), so the real time this may take is bounded too.
     */
    private void advanceUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " (simulated time "
                        + Duration.ofNanos(time.nanoTime()) + ")");
            }
            time.advance(PERIOD);
        }
    }

    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RegistryUnavailableException e) {
            return false;
        }
    }

    /** For the test on the production registry thread: polls with a deadline. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!holds(condition)) {
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

    private static NodeIdentity identity(String id, Supplier<NodeRole> role, String registry) {
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
