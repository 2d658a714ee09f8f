package io.aqueduct.itests.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running standalone node with a live RTMP publisher and player (both the ffmpeg CLI) is switched into a cluster
 * with {@code bin/aqueduct mode cluster embedded} (this node then hosts the registry), and back with
 * {@code bin/aqueduct mode standalone}: the player stays on its one connection and keeps receiving with no stall,
 * the stream shows up in the registry with this node as its origin, and a rejected {@code mode} command changes
 * nothing. The tests run in order on one node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ModeSwitchIT {
    private static final String KEY = "live/switch";
    private static final String NODE_CFG = "io.aqueduct.node.cfg";
    private static final String EMBEDDED_CFG = "io.aqueduct.registry.embedded.cfg";
    private static final Duration APPLY = Duration.ofSeconds(20);
    /** The longest the player may wait for a video packet while the node switches (30 fps: one every 33 ms). */
    private static final long MAX_GAP_MS = 1000;

    @TempDir
    static Path dir;

    private Appliance node;
    private ClusterProbe probe;
    private Ffmpeg.Run publisher;
    private LivePlayer player;
    private String nodeId;
    private int registryPort;
    private int port;
    private static final String CONSOLE_PASSWORD = "Switch-Pass-42";

    @BeforeAll
    void startANodeWithALiveStreamAndAPlayer() throws Exception {
        port = Appliance.freePort();
        node = Appliance.copyDistribution(port);
        probe = new ClusterProbe(node, port);
        assertThat(node.aqueduct(Duration.ofSeconds(30), "password", CONSOLE_PASSWORD).exitCode()).isZero();
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        assertThat(r.exitCode()).as("bin/aqueduct start: %s\nlog:\n%s", r.output(), node.logText()).isZero();
        ClusterProbe.Health health = probe.awaitHealth(APPLY, "the node is up, standalone",
                h -> "UP".equals(h.status()) && "standalone".equals(h.mode()));
        nodeId = health.nodeId();

        // longer than the class runs; stopped at the end. A keyframe every second.
        publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl(KEY), "320x240", 300, 30);
        Appliance.await(APPLY, "the publish is live", () -> logLines("publishes " + KEY) == 1);
        player = LivePlayer.play(dir, node.rtmpUrl(KEY));
        long start = System.nanoTime();
        Appliance.await(APPLY, "the player receives video", () -> !player.packets(LivePlayer.VIDEO, start).isEmpty());
        // past ffmpeg's probing burst: from here packets arrive at the publisher's pace
        long steady = System.nanoTime();
        Appliance.await(APPLY, "the player receives 2 s of video in real time",
                () -> player.packets(LivePlayer.VIDEO, steady).size() >= 60);
    }

    @AfterAll
    void stopEverything() throws Exception {
        try (Appliance n = node; LivePlayer p = player) {
            LivePlayer.stop(publisher);
        }
    }

    @Test
    @Order(1)
    void switchingToClusterKeepsThePlayerAndRegistersTheStream() throws Exception {
        registryPort = Appliance.freePort();
        long switched = System.nanoTime();
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(30), "mode", "cluster", "embedded", "--registry-port",
                Integer.toString(registryPort));
        assertThat(r.exitCode()).as("bin/aqueduct mode cluster embedded: %s", r.output()).isZero();
        assertThat(r.output()).contains("embedded registry on port " + registryPort, "mode = cluster, role = origin");

        ClusterProbe.Health health = probe.awaitHealth(APPLY, "/health: mode cluster, cluster-registry UP",
                h -> "cluster".equals(h.mode())
                        && h.check("cluster-registry").map(c -> c.status().equals("UP")).orElse(false));
        long up = System.nanoTime();
        assertThat(health.httpStatus()).isEqualTo(200);
        assertThat(health.status()).as("/health: %s", health.json()).isEqualTo("UP");
        assertThat(health.check("cluster-registry").orElseThrow().message())
                .contains("registered in embedded (mongodb://127.0.0.1:" + registryPort + "/) as " + nodeId
                        + " (origin)");
        for (String bundle : new String[] {"io.aqueduct.cluster.mongo", "io.aqueduct.cluster.embedded",
                "io.aqueduct.rtmp", "io.aqueduct.hls"}) {
            assertThat(health.bundleState(bundle)).as("%s in cluster mode, /health: %s", bundle, health.json())
                    .isEqualTo("ACTIVE");
        }

        ClusterProbe.Streams streams = probe.awaitStreams(APPLY, KEY + " registered with this node as origin",
                s -> s.httpStatus() == 200 && s.stream(KEY).map(x -> x.originNode().equals(nodeId)).orElse(false));
        ClusterProbe.RegisteredStream stream = streams.stream(KEY).orElseThrow();
        assertThat(stream.originAlive()).as("originAlive of %s", streams.json()).isTrue();
        assertThat(stream.originAddress()).isEqualTo("127.0.0.1");
        long registered = System.nanoTime();
        String nodes = probe.get("/rest/v2/cluster/nodes").body();
        assertThat(nodes).as("/rest/v2/cluster/nodes").contains("\"mode\":\"cluster\"", "\"id\":\"" + nodeId + "\"",
                "\"role\":\"origin\"", "\"alive\":true");

        // a second on, past the switch, then the player's record of it
        long after = System.nanoTime();
        Appliance.await(APPLY, "a second of video after the switch",
                () -> player.packets(LivePlayer.VIDEO, after).size() >= 25);
        long end = System.nanoTime();
        long gap = player.largestVideoGapMillis(switched, end);
        int frames = player.packets(LivePlayer.VIDEO, switched).size();
        System.out.printf("ModeSwitchIT: standalone -> cluster: /health UP %d ms and %s registered %d ms after the "
                        + "command; player: %d video packets in the %d ms since, largest gap %d ms%n",
                ms(up - switched), KEY, ms(registered - switched), frames, ms(end - switched), gap);
        assertPlayerOnOneConnection();
        assertThat(gap).as("largest wait for video over the switch (ms); %s", player.describe())
                .isLessThan(MAX_GAP_MS);
    }

    @Test
    @Order(2)
    void aRejectedModeCommandChangesNothing() throws Exception {
        String nodeCfg = Files.readString(node.config(NODE_CFG));
        String embeddedCfg = Files.readString(node.config(EMBEDDED_CFG));
        long before = System.nanoTime();

        Appliance.Result r = node.aqueduct(Duration.ofSeconds(30), "mode", "cluster", "garbage://x");
        assertThat(r.exitCode()).as("bin/aqueduct mode cluster garbage://x: %s", r.output()).isEqualTo(2);
        assertThat(r.output()).contains("error: MongoDB target 'garbage://x'", "nothing changed");
        assertThat(Files.readString(node.config(NODE_CFG))).as(NODE_CFG).isEqualTo(nodeCfg);
        assertThat(Files.readString(node.config(EMBEDDED_CFG))).as(EMBEDDED_CFG).isEqualTo(embeddedCfg);

        // FileInstall polls every second: two polls later the node is still in the cluster and serving
        long waited = System.nanoTime();
        Appliance.await(APPLY, "two seconds of video after the rejected command",
                () -> player.packets(LivePlayer.VIDEO, waited).size() >= 55);
        ClusterProbe.Health health = probe.health();
        assertThat(health.mode()).as("/health: %s", health.json()).isEqualTo("cluster");
        assertThat(health.check("cluster-registry").map(ClusterProbe.Check::status)).as(health.describe(
                "cluster-registry")).contains("UP");
        assertThat(probe.streams().stream(KEY)).as("%s still registered", KEY).isPresent();
        assertThat(Appliance.portIsFree(registryPort)).as("the embedded registry still listens").isFalse();
        assertPlayerOnOneConnection();
        long gap = player.largestVideoGapMillis(before, System.nanoTime());
        System.out.printf("ModeSwitchIT: rejected command: exit %d, largest gap %d ms%n", r.exitCode(), gap);
        assertThat(gap).as("largest wait for video (ms)").isLessThan(MAX_GAP_MS);
    }

    @Test
    @Order(3)
    void switchingBackToStandaloneKeepsThePlayer() throws Exception {
        long switched = System.nanoTime();
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(30), "mode", "standalone");
        assertThat(r.exitCode()).as("bin/aqueduct mode standalone: %s", r.output()).isZero();
        assertThat(node.config(EMBEDDED_CFG)).as("the embedded registry's configuration is kept (its server stops "
                + "with the cluster bundles, after the node left it)").exists();

        ClusterProbe.Health health = probe.awaitHealth(APPLY, "/health: standalone, cluster bundles stopped",
                h -> "standalone".equals(h.mode()) && "RESOLVED".equals(h.bundleState("io.aqueduct.cluster.mongo"))
                        && "RESOLVED".equals(h.bundleState("io.aqueduct.cluster.embedded")));
        long standalone = System.nanoTime();
        assertThat(health.status()).as("/health: %s", health.json()).isEqualTo("UP");
        assertThat(health.check("cluster-registry")).as("no registry check in standalone mode").isEmpty();
        assertThat(health.bundleState("io.aqueduct.rtmp")).isEqualTo("ACTIVE");
        assertThat(health.bundleState("io.aqueduct.hls")).isEqualTo("ACTIVE");
        var nodes = probe.get("/rest/v2/cluster/nodes");
        assertThat(nodes.statusCode()).isEqualTo(200);
        assertThat(Appliance.jsonField(nodes.body(), "mode")).as("/rest/v2/cluster/nodes: %s", nodes.body())
                .isEqualTo("standalone");
        assertThat(nodes.body()).contains("\"nodes\":[]");
        Appliance.await(APPLY, "the embedded registry's port is released", () -> Appliance.portIsFree(registryPort));

        long after = System.nanoTime();
        Appliance.await(APPLY, "a second of video after the switch back",
                () -> player.packets(LivePlayer.VIDEO, after).size() >= 25);
        long end = System.nanoTime();
        long gap = player.largestVideoGapMillis(switched, end);
        System.out.printf("ModeSwitchIT: cluster -> standalone: standalone %d ms after the command; player: %d video "
                        + "packets in the %d ms since, largest gap %d ms, %d packets in all%n",
                ms(standalone - switched), player.packets(LivePlayer.VIDEO, switched).size(), ms(end - switched), gap,
                player.packets().size());
        assertPlayerOnOneConnection();
        assertThat(gap).as("largest wait for video over the switch back (ms); %s", player.describe())
                .isLessThan(MAX_GAP_MS);
        // the role manager stops the registry client before the embedded registry: the node leaves it cleanly
        String left = node.logText().lines().filter(l -> l.contains("Left the cluster") || l.contains(
                "Leaving the cluster")).findFirst().orElse("(no line about leaving)");
        System.out.println("    " + left.substring(left.indexOf(" - ") + 3));
        assertThat(left).as("the node left the registry it hosted before that stopped").contains("Left the cluster: node "
                + nodeId + " removed from the registry");
        assertThat(publisher.process().isAlive()).as("the publisher is still publishing: %s", publisher.output())
                .isTrue();
    }

    @Test
    @Order(4)
    void theWebConsoleSwitchesToClusterAndShowsTheClusterTab() throws Exception {
        // the operator's way without a shell: Configuration -> Aqueduct node (the embedded registry's file was kept
        // by mode standalone, so 'embedded' finds its port)
        long switched = System.nanoTime();
        HttpResponse<String> r = node.postForm(port, "/system/console/configMgr/io.aqueduct.node", "admin",
                CONSOLE_PASSWORD, "apply=true&action=ajaxConfigManager&propertylist=mode,role,mongo.uri"
                        + "&mode=cluster&role=origin&mongo.uri=embedded");
        assertThat(r.statusCode()).as("the console took the edit: %s", r.body()).isLessThan(400);
        probe.awaitHealth(APPLY, "/health: cluster, registry UP", h -> "cluster".equals(h.mode())
                && h.check("cluster-registry").map(c -> c.status().equals("UP")).orElse(false));
        Appliance.await(APPLY, KEY + " registered again", () -> Appliance.unchecked(() ->
                probe.get("/rest/v2/cluster/streams").body().contains("\"key\":\"" + KEY + "\",\"originNode\":\""
                        + nodeId + "\"")));
        long joined = System.nanoTime();
        assertThat(Files.readString(node.config("io.aqueduct.node.cfg"))).as("the console's edit is in the file")
                .containsPattern("(?m)^mongo\\.uri\\s*=\\s*embedded");

        HttpResponse<String> tab = node.get(port, "/system/console/cluster", "admin", CONSOLE_PASSWORD);
        assertThat(tab.statusCode()).isEqualTo(200);
        assertThat(tab.body()).as("the Cluster tab of the Web Console").contains("id=\"aq-cluster\"")
                .contains("/cluster/cluster.js");
        assertThat(node.getAnonymous(port, "/system/console/cluster").statusCode()).as("not without the login")
                .isEqualTo(401);

        long gap = player.largestVideoGapMillis(switched, System.nanoTime());
        System.out.printf("ModeSwitchIT: Web Console -> cluster: registered %d ms after the edit; largest gap %d ms%n",
                ms(joined - switched), gap);
        assertPlayerOnOneConnection();
        assertThat(gap).as("largest wait for video over the console switch (ms)").isLessThan(MAX_GAP_MS);
    }

    /** The player never reconnected: its process runs, the node logged one play and no stop, timestamps go on. */
    private void assertPlayerOnOneConnection() throws Exception {
        assertThat(player.isAlive()).as("the player still runs: %s", player.describe()).isTrue();
        assertThat(logLines("plays " + KEY)).as("plays %s lines in the log:\n%s", KEY, probe.logTail(40))
                .isEqualTo(1);
        assertThat(logLines("stops playing " + KEY)).as("stops playing %s lines in the log", KEY).isZero();
        assertThat(player.videoTimestampReset()).as("video timestamps only go forward").isNull();
        assertThat(node.logText().lines().filter(l -> l.contains(" ERROR "))).as("ERROR lines in the log").isEmpty();
    }

    private long logLines(String fragment) {
        return Appliance.unchecked(node::logText).lines().filter(l -> l.contains("RTMP ") && l.contains(fragment))
                .count();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
