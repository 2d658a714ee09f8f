package io.aqueduct.cluster.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.aqueduct.cluster.mongo.MongoTarget;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry against a real MongoDB-wire-protocol server (mongo-java-server, in memory) through the real driver.
 * A node that stopped is simulated by writing an old {@code lastHeartbeat} into its document; the passing of time on
 * this node by a fake monotonic clock. Nothing sleeps.
 */
class ClusterRegistryTest {
    private static final Duration DEAD_AFTER = Duration.ofSeconds(10);

    private MongoServer server;
    private MongoClient client;
    private MongoDatabase database;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0); // a free port
        InetSocketAddress address = server.getLocalAddress();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        database = client.getDatabase(MongoTarget.DEFAULT_DATABASE);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private ClusterRegistry registry(String nodeId) {
        ClusterRegistry registry = new ClusterRegistry(database, nodeId, nanos::get);
        registry.ensureIndexes();
        return registry;
    }

    private static NodeRecord node(String id, String address) {
        return new NodeRecord(id, address, Map.of("rtmp", 1935, "http", 5080, "relay", 5000), "origin", "origins",
                "0.1.0", Instant.parse("2025-01-01T00:00:00Z"), 0.25, 100_000_000L, 1_000_000_000L, 3, 42);
    }

    /** Makes a node look as if it stopped heartbeating an hour before this node's latest heartbeat. */
    private void stopHeartbeats(String nodeId, ClusterRegistry observer) {
        Instant old = observer.serverNow().minus(Duration.ofHours(1));
        database.getCollection(ClusterRegistry.NODES)
                .updateOne(Filters.eq("_id", nodeId), Updates.set("lastHeartbeat", Date.from(old)));
    }

    @Test
    void heartbeatReturnsServerTimeAndLaterHeartbeatsReturnLaterTimes() {
        ClusterRegistry a = registry("a");
        Instant first = a.heartbeat(node("a", "10.0.0.1"));

        // the server is in this JVM, so its time is ours within the test's duration
        assertThat(first).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        Document stored = database.getCollection(ClusterRegistry.NODES).find(Filters.eq("_id", "a")).first();
        assertThat(stored.getDate("lastHeartbeat").toInstant()).isEqualTo(first);

        // server time has millisecond resolution: heartbeat until it moves on, with a deadline
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Instant later = a.heartbeat(node("a", "10.0.0.1"));
        while (!later.isAfter(first) && System.nanoTime() < deadline) {
            assertThat(later).isAfterOrEqualTo(first);
            later = a.heartbeat(node("a", "10.0.0.1"));
        }
        assertThat(later).isAfter(first);
        assertThat(a.serverNow()).isEqualTo(later);
    }

    @Test
    void nodesListsEveryNodeWithWhatItReported() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        b.heartbeat(node("b", "10.0.0.2"));
        a.heartbeat(node("a", "10.0.0.1"));

        List<NodeStatus> nodes = a.nodes(DEAD_AFTER);

        assertThat(nodes).extracting(s -> s.node().id()).containsExactly("a", "b");
        assertThat(nodes).allSatisfy(s -> assertThat(s.alive()).isTrue());
        assertThat(nodes.get(1).node()).isEqualTo(node("b", "10.0.0.2"));
        assertThat(nodes.get(1).age()).isLessThan(DEAD_AFTER);
    }

    @Test
    void aNodeWhoseHeartbeatIsOlderThanDeadAfterIsDead() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        b.heartbeat(node("b", "10.0.0.2"));
        a.heartbeat(node("a", "10.0.0.1"));
        stopHeartbeats("b", a);

        List<NodeStatus> nodes = a.nodes(DEAD_AFTER);

        assertThat(nodes.get(0).alive()).isTrue();
        assertThat(nodes.get(1).alive()).isFalse();
        assertThat(nodes.get(1).age()).isGreaterThanOrEqualTo(Duration.ofHours(1));
    }

    @Test
    void withoutNewHeartbeatsEveryNodeAgesOnTheMonotonicClock() {
        ClusterRegistry a = registry("a");
        Instant beat = a.heartbeat(node("a", "10.0.0.1"));

        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(a.serverNow()).isEqualTo(beat.plusSeconds(10));
        assertThat(a.nodes(DEAD_AFTER).get(0).alive()).as("exactly deadAfter old is still alive").isTrue();

        nanos.addAndGet(1_000_000);
        NodeStatus self = a.nodes(DEAD_AFTER).get(0);
        assertThat(self.alive()).isFalse();
        assertThat(self.age()).isEqualTo(Duration.ofMillis(10_001));
    }

    @Test
    void liveNodesNeedAHeartbeatFirstAndOnlyTheirOwn() {
        ClusterRegistry a = registry("a");

        assertThatThrownBy(() -> a.nodes(DEAD_AFTER)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> a.heartbeat(node("b", "10.0.0.2"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'b'").hasMessageContaining("'a'");
    }

    @Test
    void deleteNodeRemovesADeadNodeAndRefusesALiveOne() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        ClusterRegistry c = registry("c");
        b.heartbeat(node("b", "10.0.0.2"));
        c.heartbeat(node("c", "10.0.0.3"));
        a.heartbeat(node("a", "10.0.0.1"));
        stopHeartbeats("b", a);

        assertThat(a.deleteNode("b", DEAD_AFTER)).isTrue();
        assertThatThrownBy(() -> a.deleteNode("c", DEAD_AFTER)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node c is alive");
        assertThat(a.deleteNode("nobody", DEAD_AFTER)).isFalse();

        assertThat(a.nodes(DEAD_AFTER)).extracting(s -> s.node().id()).containsExactly("a", "c");
    }

    @Test
    void firstClaimRegistersTheOriginAndRepeatingItIsHarmless() {
        ClusterRegistry a = registry("a");
        a.heartbeat(node("a", "10.0.0.1"));

        OriginClaim first = a.claimOrigin("live/cam1", "10.0.0.1:5000", DEAD_AFTER);
        OriginClaim again = a.claimOrigin("live/cam1", "10.0.0.1:5001", DEAD_AFTER);

        assertThat(first.outcome()).isEqualTo(OriginClaim.Outcome.CLAIMED);
        assertThat(first.origin().nodeId()).isEqualTo("a");
        assertThat(again.outcome()).isEqualTo(OriginClaim.Outcome.ALREADY_ORIGIN);
        assertThat(again.granted()).isTrue();
        assertThat(a.lookup("live/cam1", DEAD_AFTER)).get()
                .satisfies(o -> assertThat(o.address()).isEqualTo("10.0.0.1:5001"))
                .satisfies(o -> assertThat(o.claimed()).isEqualTo(first.origin().claimed()));
    }

    @Test
    void aSecondOriginIsRefusedWhileTheFirstIsAlive() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        a.heartbeat(node("a", "10.0.0.1"));
        b.heartbeat(node("b", "10.0.0.2"));
        a.claimOrigin("live/cam1", "10.0.0.1:5000", DEAD_AFTER);

        OriginClaim claim = b.claimOrigin("live/cam1", "10.0.0.2:5000", DEAD_AFTER);

        assertThat(claim.outcome()).isEqualTo(OriginClaim.Outcome.REFUSED);
        assertThat(claim.granted()).isFalse();
        assertThat(claim.origin().nodeId()).isEqualTo("a");
        assertThat(claim.origin().address()).isEqualTo("10.0.0.1:5000");
        assertThat(claim.describe()).contains("live on origin a (10.0.0.1:5000)");
        assertThat(b.lookup("live/cam1", DEAD_AFTER)).get().extracting(StreamOrigin::nodeId).isEqualTo("a");
    }

    @Test
    void aDeadOriginsStreamIsTakenOver() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        a.heartbeat(node("a", "10.0.0.1"));
        a.claimOrigin("live/cam1", "10.0.0.1:5000", DEAD_AFTER);
        b.heartbeat(node("b", "10.0.0.2"));
        stopHeartbeats("a", b);
        assertThat(b.lookup("live/cam1", DEAD_AFTER)).as("a dead origin is not looked up").isEmpty();

        OriginClaim claim = b.claimOrigin("live/cam1", "10.0.0.2:5000", DEAD_AFTER);

        assertThat(claim.outcome()).isEqualTo(OriginClaim.Outcome.TAKEN_OVER);
        assertThat(b.lookup("live/cam1", DEAD_AFTER)).get().extracting(StreamOrigin::nodeId).isEqualTo("b");
        Document stored = database.getCollection(ClusterRegistry.STREAMS).find(Filters.eq("_id", "live/cam1")).first();
        assertThat(stored.getString("previousOrigin")).isEqualTo("a");

        // a comes back: it no longer owns the stream, so its release leaves b's registration alone
        a.heartbeat(node("a", "10.0.0.1"));
        assertThat(a.releaseOrigin("live/cam1")).isFalse();
        assertThat(a.claimOrigin("live/cam1", "10.0.0.1:5000", DEAD_AFTER).outcome())
                .isEqualTo(OriginClaim.Outcome.REFUSED);
    }

    @Test
    void aStreamWhoseOriginWasDeletedIsTakenOver() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        a.heartbeat(node("a", "10.0.0.1"));
        a.claimOrigin("live/cam1", "10.0.0.1:5000", DEAD_AFTER);
        b.heartbeat(node("b", "10.0.0.2"));
        stopHeartbeats("a", b);
        b.deleteNode("a", DEAD_AFTER);

        assertThat(b.streams(DEAD_AFTER)).singleElement().satisfies(o -> assertThat(o.alive()).isFalse());
        assertThat(b.claimOrigin("live/cam1", "10.0.0.2:5000", DEAD_AFTER).outcome())
                .isEqualTo(OriginClaim.Outcome.TAKEN_OVER);
    }

    @Test
    void ofTwoNodesRacingToTakeOverExactlyOneWins() throws Exception {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        ClusterRegistry c = registry("c");
        a.heartbeat(node("a", "10.0.0.1"));
        b.heartbeat(node("b", "10.0.0.2"));
        c.heartbeat(node("c", "10.0.0.3"));
        int rounds = 20;
        for (int i = 0; i < rounds; i++) {
            a.claimOrigin("live/cam" + i, "10.0.0.1:5000", DEAD_AFTER);
        }
        stopHeartbeats("a", b);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < rounds; i++) {
                String key = "live/cam" + i;
                List<OriginClaim> claims = race(pool,
                        () -> b.claimOrigin(key, "10.0.0.2:5000", DEAD_AFTER),
                        () -> c.claimOrigin(key, "10.0.0.3:5000", DEAD_AFTER));

                assertThat(claims).extracting(OriginClaim::outcome)
                        .containsExactlyInAnyOrder(OriginClaim.Outcome.TAKEN_OVER, OriginClaim.Outcome.REFUSED);
                String winner = claims.stream().filter(OriginClaim::granted).findFirst().orElseThrow()
                        .origin().nodeId();
                assertThat(claims).allSatisfy(claim -> assertThat(claim.origin().nodeId()).isEqualTo(winner));
                assertThat(b.lookup(key, DEAD_AFTER)).get().extracting(StreamOrigin::nodeId).isEqualTo(winner);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ofTwoNodesRacingToRegisterANewStreamExactlyOneWins() throws Exception {
        ClusterRegistry b = registry("b");
        ClusterRegistry c = registry("c");
        b.heartbeat(node("b", "10.0.0.2"));
        c.heartbeat(node("c", "10.0.0.3"));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                String key = "live/new" + i;
                List<OriginClaim> claims = race(pool,
                        () -> b.claimOrigin(key, "10.0.0.2:5000", DEAD_AFTER),
                        () -> c.claimOrigin(key, "10.0.0.3:5000", DEAD_AFTER));

                assertThat(claims).extracting(OriginClaim::outcome)
                        .containsExactlyInAnyOrder(OriginClaim.Outcome.CLAIMED, OriginClaim.Outcome.REFUSED);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs both claims at once (released together by a latch) and returns their results. */
    private static List<OriginClaim> race(ExecutorService pool, java.util.concurrent.Callable<OriginClaim> first,
            java.util.concurrent.Callable<OriginClaim> second) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<OriginClaim>> futures = new ArrayList<>();
        for (java.util.concurrent.Callable<OriginClaim> claim : List.of(first, second)) {
            futures.add(pool.submit(() -> {
                go.await();
                return claim.call();
            }));
        }
        go.countDown();
        List<OriginClaim> claims = new ArrayList<>();
        for (Future<OriginClaim> f : futures) {
            claims.add(f.get(10, TimeUnit.SECONDS));
        }
        return claims;
    }

    @Test
    void releaseRemovesTheStreamOnlyForItsOrigin() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        a.heartbeat(node("a", "10.0.0.1"));
        b.heartbeat(node("b", "10.0.0.2"));
        a.claimOrigin("live/cam1", "10.0.0.1:5000", DEAD_AFTER);

        assertThat(b.releaseOrigin("live/cam1")).isFalse();
        assertThat(a.lookup("live/cam1", DEAD_AFTER)).isPresent();
        assertThat(a.releaseOrigin("live/cam1")).isTrue();
        assertThat(a.lookup("live/cam1", DEAD_AFTER)).isEmpty();
        assertThat(a.releaseOrigin("live/cam1")).isFalse();
        // released, the stream is anyone's
        assertThat(b.claimOrigin("live/cam1", "10.0.0.2:5000", DEAD_AFTER).outcome())
                .isEqualTo(OriginClaim.Outcome.CLAIMED);
    }

    @Test
    void streamsListsEveryStreamWithWhetherItsOriginIsAlive() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        a.heartbeat(node("a", "10.0.0.1"));
        b.heartbeat(node("b", "10.0.0.2"));
        a.claimOrigin("live/one", "10.0.0.1:5000", DEAD_AFTER);
        b.claimOrigin("live/two", "10.0.0.2:5000", DEAD_AFTER);
        stopHeartbeats("b", a);

        assertThat(a.streams(DEAD_AFTER))
                .extracting(StreamOrigin::key, StreamOrigin::nodeId, StreamOrigin::alive)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("live/one", "a", true),
                        org.assertj.core.groups.Tuple.tuple("live/two", "b", false));
        assertThat(a.lookup("live/two", DEAD_AFTER)).isEmpty();
        assertThat(a.lookup("live/none", DEAD_AFTER)).isEmpty();
    }

    @Test
    void ensureIndexesCreatesTheCollectionsAndCanRunAgain() {
        ClusterRegistry a = registry("a");
        a.ensureIndexes();

        assertThat(database.listCollectionNames()).contains("streams", "settings"); // nodes: at the first heartbeat
        assertThat(database.getCollection("settings").countDocuments()).as("one cluster document, not two").isOne();
        assertThat(database.getCollection("settings").find().first().getDate("created")).isNotNull();
        assertThat(database.getCollection("streams").listIndexes())
                .anySatisfy(i -> assertThat(i.get("key", Document.class)).containsKey("originNode"));
    }

    @Test
    void aNodeThatLeavesReleasesItsStreamsAndRemovesItself() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        a.heartbeat(node("a", "10.0.0.1"));
        b.heartbeat(node("b", "10.0.0.2"));
        a.claimOrigin("live/one", "10.0.0.1", DEAD_AFTER);
        a.claimOrigin("live/two", "10.0.0.1", DEAD_AFTER);
        b.claimOrigin("live/three", "10.0.0.2", DEAD_AFTER);

        assertThat(a.leave()).isEqualTo(2);

        assertThat(b.nodes(DEAD_AFTER)).extracting(s -> s.node().id()).containsExactly("b");
        assertThat(b.streams(DEAD_AFTER)).extracting(StreamOrigin::key).containsExactly("live/three");
        assertThat(b.claimOrigin("live/one", "10.0.0.2", DEAD_AFTER).outcome()).isEqualTo(OriginClaim.Outcome.CLAIMED);
    }


    @Test
    void theClusterSecretIsMadeOnceAndSharedByEveryNode() {
        ClusterRegistry a = registry("a");
        ClusterRegistry b = registry("b");
        byte[] first = a.secret();
        assertThat(first).hasSize(32);
        assertThat(a.secret()).isEqualTo(first);
        assertThat(b.secret()).as("another node reads the same").isEqualTo(first);
        assertThat(database.getCollection("settings").find().first().getString("secret")).isNotBlank();
    }

}
