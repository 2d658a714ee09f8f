package io.aqueduct.itests.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One origin node with a live RTMP publisher, an RTMP player and HLS (all the ffmpeg CLI or plain HTTP), while its
 * registry is wrong in each way an operator meets: nothing listening at the address, a wrong password, a hand-written
 * URI that does not parse. Each gives a clear ERROR in {@code logs/aqueduct.log} and a DEGRADED
 * {@code cluster-registry} check in {@code /health} (still 200), and nothing else stops. Then a good registry
 * ({@code bin/aqueduct registry}, a process of its own) is stopped and started again under the live stream, once with
 * its data and once, after a crash, with an empty data file: the stream plays on throughout and the registry lists
 * it with this node as origin again within seconds. The tests run in order on one node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class RegistryResilienceIT {
    private static final String KEY = "live/resilient";
    private static final String NODE_CFG = "io.aqueduct.node.cfg";
    private static final Duration APPLY = Duration.ofSeconds(20);
    /** Retries back off up to 10 s, and a try may wait 2 s (timeout.ms) for the registry. */
    private static final Duration RECOVERY = Duration.ofSeconds(25);
    private static final long MAX_GAP_MS = 1000;
    private static final Pattern SEGMENT = Pattern.compile("(?m)^(\\d+)\\.ts$");

    @TempDir
    static Path dir;

    private Appliance node;
    private ClusterProbe probe;
    private RegistryProcess registry;
    private Ffmpeg.Run publisher;
    private Ffmpeg.Run outagePublisher;
    private LivePlayer player;
    private String nodeId;
    private long playing;

    @BeforeAll
    void startANodeWithALiveStreamAndARegistry() throws Exception {
        int port = Appliance.freePort();
        node = Appliance.copyDistribution(port);
        probe = new ClusterProbe(node, port);
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        assertThat(r.exitCode()).as("bin/aqueduct start: %s\nlog:\n%s", r.output(), node.logText()).isZero();
        nodeId = probe.awaitHealth(APPLY, "the node is up", h -> "UP".equals(h.status())).nodeId();
        registry = new RegistryProcess(node.home(), Appliance.freePort(), dir);
        registry.start(dir.resolve("registry.mv.db"));

        // a keyframe every 2 s: one HLS segment each; longer than the class runs, stopped at the end
        publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl(KEY), "320x240", 300, 60);
        Appliance.await(APPLY, "the publish is live", () -> rtmpLogLines("publishes " + KEY) == 1);
        player = LivePlayer.play(dir, node.rtmpUrl(KEY));
        long start = System.nanoTime();
        Appliance.await(APPLY, "the player receives video", () -> !player.packets(LivePlayer.VIDEO, start).isEmpty());
        playing = System.nanoTime();
        Appliance.await(APPLY, "the player receives 2 s of video in real time",
                () -> player.packets(LivePlayer.VIDEO, playing).size() >= 60);
        Appliance.await(APPLY, "the HLS playlist has a segment", () -> lastSegment() >= 0);
    }

    @AfterAll
    void stopEverything() throws Exception {
        try (Appliance n = node; LivePlayer p = player; RegistryProcess reg = registry) {
            if (player != null) {
                LivePlayer.Gap gap = player.largestVideoGap(playing, System.nanoTime());
                System.out.printf("RegistryResilienceIT: the player received %d packets on one connection; largest "
                        + "gap %d ms, ending %d ms after it played steadily%n", player.packets().size(), gap.millis(),
                        ms(gap.endNanos() - playing));
            }
            LivePlayer.stop(publisher);
            LivePlayer.stop(outagePublisher);
        }
    }

    @Test
    @Order(1)
    void anAddressWhereNothingListens() throws Exception {
        int nobody = Appliance.freePort();
        String uri = "mongodb://127.0.0.1:" + nobody + "/";
        long t0 = System.nanoTime();
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(30), "mode", "cluster", "127.0.0.1:" + nobody);
        assertThat(r.exitCode()).as("bin/aqueduct mode cluster 127.0.0.1:%d: %s", nobody, r.output()).isZero();

        String expected = "cannot reach the registry at " + uri + ": connection refused: nothing listens there; "
                + "is MongoDB (or bin/aqueduct registry) running?";
        ClusterProbe.Health health = awaitRegistryCheck("DEGRADED", expected);
        long reported = System.nanoTime();
        assertThat(health.check("cluster-registry").orElseThrow().message())
                .contains("this node keeps serving its streams and tries again in");
        assertLogged(1, "Registry unreachable: " + expected);
        assertStreamsAnswer503(expected);
        System.out.printf("RegistryResilienceIT: nothing listening: /health says so %d ms after the command%n",
                ms(reported - t0));
        assertEverythingElseWorks(t0);
    }

    @Test
    @Order(2)
    void aWrongPassword() throws Exception {
        String uri = "mongodb://aqueduct:wrong@127.0.0.1:" + registry.port() + "/?authSource=admin";
        long t0 = System.nanoTime();
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(30), "mode", "cluster", uri);
        assertThat(r.exitCode()).as("bin/aqueduct mode cluster %s: %s", uri, r.output()).isZero();

        // bin/aqueduct registry has no authentication at all, so any credentials fail as a wrong password would
        String expected = "authentication to the registry at mongodb://aqueduct:***@127.0.0.1:" + registry.port()
                + "/?authSource=admin failed as user 'aqueduct' (authSource admin): check the user name, the password "
                + "and authSource in mongo.uri";
        ClusterProbe.Health health = awaitRegistryCheck("DEGRADED", expected);
        long reported = System.nanoTime();
        assertLogged(1, "Registry unreachable: " + expected);
        assertStreamsAnswer503(expected);
        assertThat(health.json()).as("/health never shows the password").doesNotContain("aqueduct:wrong");
        assertThat(node.logText()).as("the log never shows the password").doesNotContain("aqueduct:wrong");
        assertThat(probe.get("/rest/v2/cluster/nodes").body()).as("/rest/v2/cluster/nodes never shows the password")
                .doesNotContain("aqueduct:wrong");
        System.out.printf("RegistryResilienceIT: wrong password: /health says so %d ms after the command%n",
                ms(reported - t0));
        assertEverythingElseWorks(t0);
    }

    @Test
    @Order(3)
    void aHandWrittenUriThatDoesNotParse() throws Exception {
        long t0 = System.nanoTime();
        // bin/aqueduct mode would refuse it; an editor does not
        node.setConfig(NODE_CFG, "mongo.uri", "mongodb://db1:99999");

        String expected = "mongo.uri of io.aqueduct.node: MongoDB target 'mongodb://db1:99999': ";
        ClusterProbe.Health health = awaitRegistryCheck("DEGRADED", expected);
        long reported = System.nanoTime();
        assertThat(health.check("cluster-registry").orElseThrow().message())
                .contains("port", "set it with bin/aqueduct mode cluster <mongo>");
        assertLogged(1, "Not joining the cluster: " + expected);
        assertStreamsAnswer503(expected);
        System.out.printf("RegistryResilienceIT: bad URI: /health says so %d ms after the edit%n", ms(reported - t0));
        assertEverythingElseWorks(t0);
    }

    @Test
    @Order(4)
    void theGoodRegistryListsTheLiveStream() throws Exception {
        long t0 = System.nanoTime();
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(30), "mode", "cluster", "127.0.0.1:" + registry.port());
        assertThat(r.exitCode()).as("bin/aqueduct mode cluster: %s", r.output()).isZero();
        ClusterProbe.Health health = awaitRegistryCheck("UP", "registered in " + registry.uri() + " as " + nodeId);
        assertThat(health.status()).as("/health: %s", health.json()).isEqualTo("UP");
        awaitStreamOriginHere(APPLY);
        System.out.printf("RegistryResilienceIT: good registry: UP and %s listed %d ms after the command%n", KEY,
                ms(System.nanoTime() - t0));
        assertEverythingElseWorks(t0);
    }

    @Test
    @Order(5)
    void theRegistryStoppedAndStartedAgainUnderALiveStream() throws Exception {
        long t0 = System.nanoTime();
        registry.stop();
        // the first failed call may be the closed connection rather than a refused one
        awaitRegistryCheck("DEGRADED", "cannot reach the registry at " + registry.uri());
        long detected = System.nanoTime();
        assertStreamsAnswer503("cannot reach the registry at " + registry.uri());

        // a publish while the registry is away is admitted, and registered once it is back
        outagePublisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl("live/during-outage"), "160x120", 300, 60);
        Appliance.await(APPLY, "the publish during the outage is live",
                () -> rtmpLogLines("publishes live/during-outage") == 1);
        // long enough for the retries to back off (2 s, 4 s, 8 s): a few failed attempts, one ERROR line
        probe.awaitHealth(APPLY, "/health: 3 failed attempts", h -> h.check("cluster-registry")
                .map(c -> c.message().matches("(?s).*, [3-9] attempt\\(s\\);.*")).orElse(false));
        String logged = assertLogged(1, "Registry unreachable: cannot reach the registry at " + registry.uri());
        System.out.println("    logged: " + logged.substring(logged.indexOf("Registry unreachable")));
        assertEverythingElseWorks(t0);

        long restarted = restartAndAwaitRecovery(dir.resolve("registry.mv.db"));
        awaitStreamOriginHere(Duration.ofSeconds(10), "live/during-outage");
        assertThat(node.logText()).as("the log says the registry is back")
                .contains("Registry " + registry.uri() + " reachable again after");
        System.out.printf("RegistryResilienceIT: registry stopped (SIGTERM): /health DEGRADED %d ms later; started "
                        + "again on the same data after %d ms: UP with both streams registered %d ms after it "
                        + "served%n", ms(detected - t0), ms(restarted - t0), ms(System.nanoTime() - restarted));
        assertEverythingElseWorks(t0);
    }

    @Test
    @Order(6)
    void theRegistryCrashedAndCameBackWithoutItsData() throws Exception {
        long t0 = System.nanoTime();
        registry.kill();
        awaitRegistryCheck("DEGRADED", "cannot reach the registry at " + registry.uri());
        long detected = System.nanoTime();
        assertLogged(2, "Registry unreachable: cannot reach the registry at " + registry.uri());
        assertEverythingElseWorks(t0);

        long restarted = restartAndAwaitRecovery(dir.resolve("fresh-registry.mv.db"));
        awaitStreamOriginHere(Duration.ofSeconds(10), "live/during-outage");
        String nodes = probe.get("/rest/v2/cluster/nodes").body();
        assertThat(nodes).as("this node registered again in the empty registry")
                .contains("\"id\":\"" + nodeId + "\"", "\"alive\":true");
        System.out.printf("RegistryResilienceIT: registry killed (SIGKILL): /health DEGRADED %d ms later; started "
                        + "again with an empty data file after %d ms: UP with both streams registered again %d ms "
                        + "after it served%n", ms(detected - t0), ms(restarted - t0),
                ms(System.nanoTime() - restarted));
        assertEverythingElseWorks(t0);
    }

    /** Starts the registry on {@code data}; returns when it served, after the node is UP and origin of KEY again. */
    private long restartAndAwaitRecovery(Path data) throws Exception {
        registry.start(data);
        long restarted = System.nanoTime();
        awaitRegistryCheck("UP", "registered in " + registry.uri() + " as " + nodeId);
        awaitStreamOriginHere(RECOVERY);
        return restarted;
    }

    // ---- assertions ----

    /** Waits until the cluster-registry check has this status and its message contains {@code fragment}. */
    private ClusterProbe.Health awaitRegistryCheck(String status, String fragment) throws Exception {
        ClusterProbe.Health h = probe.awaitHealth(status.equals("UP") ? RECOVERY : APPLY,
                "/health: cluster-registry " + status + " saying \"" + fragment + "\"",
                x -> x.check("cluster-registry").map(c -> c.status().equals(status) && c.message().contains(fragment))
                        .orElse(false));
        assertThat(h.httpStatus()).as("/health answers 200 while the registry is %s", status).isEqualTo(200);
        assertThat(h.mode()).isEqualTo("cluster");
        if (status.equals("DEGRADED")) {
            assertThat(h.status()).as("/health status: %s", h.json()).isEqualTo("DEGRADED");
        }
        return h;
    }

    /** The registry lists the stream(s) with this node as their (alive) origin. */
    private void awaitStreamOriginHere(Duration timeout, String... more) throws Exception {
        List<String> keys = new java.util.ArrayList<>(List.of(KEY));
        keys.addAll(List.of(more));
        probe.awaitStreams(timeout, keys + " registered with this node (" + nodeId + ") as alive origin",
                s -> s.httpStatus() == 200 && keys.stream().allMatch(k -> s.stream(k)
                        .map(x -> x.originNode().equals(nodeId) && x.originAlive()).orElse(false)));
    }

    private void assertStreamsAnswer503(String fragment) throws Exception {
        ClusterProbe.Streams s = probe.streams();
        assertThat(s.httpStatus()).as("/rest/v2/cluster/streams: %s", s.json()).isEqualTo(503);
        assertThat(s.error()).as("its error").contains(fragment);
    }

    /** So many ERROR lines with the text: once per outage, not once per retry. Returns the last. */
    private String assertLogged(int times, String text) throws Exception {
        List<String> lines = node.logText().lines().filter(l -> l.contains(text)).toList();
        assertThat(lines).as("log lines with \"%s\"; log (end):\n%s", text, probe.logTail(30)).hasSize(times);
        assertThat(lines).as("logged at ERROR").allMatch(l -> l.contains(" ERROR ClusterMembership - "));
        return lines.get(lines.size() - 1);
    }

    /**
     * RTMP and HLS go on: the publisher and the player run, the node logged one play and no stop, video kept
     * arriving since {@code since} with no wait over {@value #MAX_GAP_MS} ms, a new HLS segment appears and
     * downloads, and /health has every check other than the registry's UP.
     */
    private void assertEverythingElseWorks(long since) throws Exception {
        int segment = lastSegment();
        assertThat(segment).as("the HLS playlist answers with segments").isGreaterThanOrEqualTo(0);
        Appliance.await(APPLY, "a new HLS segment after " + segment, () -> lastSegment() > segment);
        HttpResponse<byte[]> ts = probe.getBytes("/" + KEY + "/" + lastSegment() + ".ts");
        assertThat(ts.statusCode()).as("the newest HLS segment downloads").isEqualTo(200);
        assertThat(ts.body().length).as("segment bytes").isGreaterThan(1000);
        assertThat(ts.body()[0]).as("an MPEG-TS sync byte").isEqualTo((byte) 0x47);

        long now = System.nanoTime();
        long gap = player.largestVideoGapMillis(since, now);
        assertThat(player.isAlive()).as("the RTMP player still runs: %s", player.describe()).isTrue();
        assertThat(publisher.process().isAlive()).as("the publisher still runs: %s", publisher.output()).isTrue();
        assertThat(rtmpLogLines("plays " + KEY)).as("one play of %s logged: the player never reconnected", KEY)
                .isEqualTo(1);
        assertThat(rtmpLogLines("stops playing " + KEY)).isZero();
        assertThat(player.videoTimestampReset()).as("video timestamps only go forward").isNull();
        assertThat(gap).as("largest wait for RTMP video (ms) in the last %d ms; %s", ms(now - since), player.describe())
                .isLessThan(MAX_GAP_MS);

        ClusterProbe.Health h = probe.health();
        for (String check : new String[] {"rtmp", "hls", "bundles", "node-config", "http-config"}) {
            assertThat(h.check(check).map(ClusterProbe.Check::status)).as(h.describe(check)).contains("UP");
        }
        System.out.printf("    RTMP: %d video packets in %d ms, largest gap %d ms; HLS segment %d -> %d%n",
                player.packets(LivePlayer.VIDEO, since).size(), ms(now - since), gap, segment, lastSegment());
    }

    // ---- helpers ----

    /** The number of the newest segment of the classic HLS playlist, or -1. */
    private int lastSegment() {
        try {
            HttpResponse<String> r = probe.get("/" + KEY + "/index.m3u8");
            if (r.statusCode() != 200) {
                return -1;
            }
            Matcher m = SEGMENT.matcher(r.body());
            int last = -1;
            while (m.find()) {
                last = Integer.parseInt(m.group(1));
            }
            return last;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private long rtmpLogLines(String fragment) {
        return Appliance.unchecked(node::logText).lines().filter(l -> l.contains("RTMP ") && l.contains(fragment))
                .count();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
