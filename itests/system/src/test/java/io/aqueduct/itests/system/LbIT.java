package io.aqueduct.itests.system;

import static io.aqueduct.itests.system.Appliance.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load balancer with real processes: {@code bin/aqueduct registry}, an origin, edges and an lb node (the agent
 * renders the balancer's configuration from the registry), and in front of them the real Debian nginx (with
 * libnginx-mod-stream), then the real HAProxy, on loopback ports of their own. ffmpeg publishes and plays through the
 * balancer only.
 *
 * <p>The same scenario runs for each balancer ({@link #scenario}): the publish lands on the origin; HLS and RTMP
 * played through the balancer are served by both edges; an edge is killed and leaves the configuration within a
 * heartbeat of being dead, and playback through the balancer goes on; a new edge joins and gets viewers. Between
 * the two, with nginx running: a broken template and an unwritable target leave the running configuration alone and
 * {@code /health} says why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class LbIT {
    private static final long HEARTBEAT_MS = 500;
    private static final long DEAD_AFTER_MS = 2000;
    private static final Duration JOIN = Duration.ofSeconds(30);
    private static final String SIZE = "320x240";
    private static final int GOP_FRAMES = 30;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern VIEWERS = Pattern.compile(", (\\d+) viewer\\(s\\)");

    /** static: JUnit fills instance @TempDir fields only after @BeforeAll */
    @TempDir
    static Path dir;

    private ClusterFixture cluster;
    private Node origin;
    private Node lb;
    /** The edges alive now, oldest first. */
    private final List<Node> edges = new ArrayList<>();
    private Balancer balancer;
    private int edgeCount;

    private record Node(String name, Appliance appliance, int httpPort, String id) {
        ClusterProbe probe() {
            return new ClusterProbe(appliance, httpPort);
        }

        @Override
        public String toString() {
            return name + " (" + id + ", http " + httpPort + ", rtmp " + appliance.rtmpPort() + ")";
        }
    }

    /** A balancer process in front of the cluster and the ports it listens on. */
    private record Balancer(String format, int rtmpPort, int playPort, int httpPort, Path target, Path runtime) {
        String publishUrl(String key) {
            return "rtmp://127.0.0.1:" + rtmpPort + "/" + key;
        }

        String playUrl(String key) {
            return "rtmp://127.0.0.1:" + playPort + "/" + key;
        }

        String httpUrl(String path) {
            return "http://127.0.0.1:" + httpPort + path;
        }
    }

    @BeforeAll
    void start() throws Exception {
        cluster = ClusterFixture.start(dir, HEARTBEAT_MS, DEAD_AFTER_MS);
        List<String> roles = List.of("origin", "edge", "edge", "lb");
        List<Appliance> started = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String role : roles) {
            int http = Appliance.freePort();
            started.add(cluster.configure(role, role, http));
            ports.add(http);
        }
        List<Appliance.Result> starts = Appliance.inParallel(started.stream()
                .<Callable<Appliance.Result>>map(a -> () -> a.aqueduct(Duration.ofSeconds(90), "start")).toList());
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            assertThat(starts.get(i).exitCode()).as("%s: bin/aqueduct start: %s", roles.get(i),
                    starts.get(i).output()).isZero();
            String name = roles.get(i).equals("edge") ? "edge-" + ++edgeCount : roles.get(i);
            nodes.add(node(name, started.get(i), ports.get(i)));
        }
        origin = nodes.get(0);
        edges.addAll(nodes.subList(1, 3));
        lb = nodes.get(3);
    }

    /** Waits until the started node answers and has registered; its id from /health. */
    private static Node node(String name, Appliance a, int http) throws Exception {
        ClusterProbe probe = new ClusterProbe(a, http);
        ClusterProbe.Health h = probe.awaitHealth(JOIN, name + " joins the registry", x -> x.check("cluster-registry")
                .map(c -> c.status().equals("UP")).orElse(false));
        return new Node(name, a, http, h.nodeId());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            stopBalancer();
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void nginxSendsPublishersToTheOriginAndViewersToTheEdgesAndFollowsTheCluster() throws Exception {
        scenario("nginx");
    }

    @Test
    @Order(2)
    void aBrokenTemplateOrAnUnwritableTargetLeavesTheRunningConfigurationAndHealthSaysWhy() throws Exception {
        Balancer b = balancer;
        String before = Files.readString(b.target());
        Path template = lb.appliance().home().resolve("lb-templates/nginx.conf");
        String good = Files.readString(template);
        Files.writeString(template, good + "\n{{#origins}}\nserver {{address}};\n");
        ClusterProbe.Health broken = lb.probe().awaitHealth(Duration.ofSeconds(10), "the broken template reported",
                h -> h.check("load-balancer").map(c -> c.status().equals("DEGRADED")).orElse(false));
        String why = broken.describe("load-balancer");
        System.out.printf("broken template: %s%n", why);
        assertThat(why).contains("template " + template).contains("line").contains("keeps its configuration");
        assertThat(broken.status()).as("the node itself").isEqualTo("DEGRADED");
        assertThat(Files.readString(b.target())).as("the rendered file").isEqualTo(before);
        assertPlaylistThroughBalancer(b, "live/nginx", "with the broken template");

        Files.writeString(template, good);
        lb.probe().awaitHealth(Duration.ofSeconds(10), "the fixed template", h -> h.check("load-balancer")
                .map(c -> c.status().equals("UP")).orElse(false));

        // a target nobody can write: its directory is a file
        Path notADirectory = lb.appliance().home().resolve("data/not-a-directory");
        Files.writeString(notADirectory, "a file");
        lb.appliance().setConfig("io.aqueduct.lb.cfg", "target", "data/not-a-directory/nginx.conf");
        ClusterProbe.Health unwritable = lb.probe().awaitHealth(Duration.ofSeconds(15), "the unwritable target "
                + "reported", h -> h.check("load-balancer").map(c -> c.status().equals("DEGRADED")).orElse(false));
        System.out.printf("unwritable target: %s%n", unwritable.describe("load-balancer"));
        assertThat(unwritable.describe("load-balancer")).contains("cannot write the rendered configuration next to "
                + notADirectory.resolve("nginx.conf")).contains("the balancer keeps its current configuration");
        assertThat(Files.readString(b.target())).as("the running configuration").isEqualTo(before);
        assertPlaylistThroughBalancer(b, "live/nginx", "with the unwritable target");

        lb.appliance().setConfig("io.aqueduct.lb.cfg", "target", ""); // back to the default
        lb.probe().awaitHealth(Duration.ofSeconds(15), "the target back", h -> h.check("load-balancer")
                .map(c -> c.status().equals("UP")).orElse(false));
    }

    @Test
    @Order(3)
    void haproxySendsPublishersToTheOriginAndViewersToTheEdgesAndFollowsTheCluster() throws Exception {
        stopBalancer();
        for (LivePlayer p : cluster.players) {
            p.close();
        }
        cluster.players.clear();
        scenario("haproxy");
    }

    /** {@code bin/aqueduct lb render} prints what the lb node renders, read from the registry with the driver. */
    @Test
    @Order(4)
    void lbRenderPrintsTheConfigurationForTheCurrentRegistry() throws Exception {
        Path target = lb.appliance().home().resolve("data/lb/haproxy.cfg");
        await(Duration.ofSeconds(10), "the lb node's haproxy.cfg has the edges alive now", () -> edges.stream()
                .allMatch(e -> Appliance.unchecked(() -> Files.readString(target)).contains("127.0.0.1:"
                        + e.appliance().rtmpPort())));
        Appliance.Result haproxy = lb.appliance().aqueduct(Duration.ofSeconds(60), "lb", "render", "--format",
                "haproxy");
        assertThat(haproxy.exitCode()).as("bin/aqueduct lb render --format haproxy: %s", haproxy.output()).isZero();
        assertThat(haproxy.output()).as("what bin/aqueduct lb render printed").contains(Files.readString(target));
        // on an edge's installation, with its own (default) lb settings: nginx on the default ports
        Node edge = edges.get(0);
        Appliance.Result nginx = edge.appliance().aqueduct(Duration.ofSeconds(60), "lb", "render");
        assertThat(nginx.exitCode()).as("bin/aqueduct lb render on %s: %s", edge, nginx.output()).isZero();
        assertThat(nginx.output()).contains("listen 0.0.0.0:1935;").contains("127.0.0.1:" + origin.appliance()
                .rtmpPort());
        for (Node e : edges) {
            assertThat(nginx.output()).contains("127.0.0.1:" + e.appliance().rtmpPort());
        }
        Appliance.Result wrong = edge.appliance().aqueduct(Duration.ofSeconds(60), "lb", "render", "--format",
                "traefik");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.output()).contains("traefik");
        System.out.printf("bin/aqueduct lb render: haproxy (%d lines) equals the lb node's file; nginx on %s "
                + "(%d lines); --format traefik: exit 2, %s%n", haproxy.output().lines().count(), edge,
                nginx.output().lines().count(), wrong.output().strip());
    }

    /**
     * Acceptance 2 and 3 with one balancer: the lb node renders for it, the balancer starts on that file, ffmpeg
     * publishes and plays through it, an edge is killed, a new one joins.
     */
    private void scenario(String format) throws Exception {
        int rtmp = Appliance.freePort();
        int play = Appliance.freePort();
        int http = Appliance.freePort();
        Appliance a = lb.appliance();
        a.setConfig("io.aqueduct.lb.cfg", "format", format);
        a.setConfig("io.aqueduct.lb.cfg", "listen.address", "127.0.0.1"); // tests bind to loopback only
        a.setConfig("io.aqueduct.lb.cfg", "listen.rtmp", Integer.toString(rtmp));
        a.setConfig("io.aqueduct.lb.cfg", "listen.rtmp.play", Integer.toString(play));
        a.setConfig("io.aqueduct.lb.cfg", "listen.http", Integer.toString(http));
        String file = format.equals("nginx") ? "nginx.conf" : "haproxy.cfg";
        Path target = a.home().resolve("data/lb/" + file);
        Path runtime = a.home().resolve("data/lb/run");
        // rendered and swapped in; the reload fails until the balancer runs, and is tried again every heartbeat.
        // The file must have the new ports: nginx is the default format, so a render from before the settings
        // arrived (they are picked up from the file a little later) already says "nginx configuration".
        String listens = Stream.of(rtmp, play, http).map(port -> " 127.0.0.1:" + port).reduce("", (x, y) -> x + y);
        ClusterProbe.Health rendered = lb.probe().awaitHealth(JOIN, "the lb node renders " + format + " for 1 origin "
                + "and 2 edges, listening on" + listens, h -> h.check("load-balancer").map(c -> c.message().contains(
                format + " configuration " + target + ": 1 origin(s), 2 edge(s)")).orElse(false)
                && Stream.of(rtmp, play, http).allMatch(port -> Appliance.unchecked(() -> Files.readString(target))
                        .contains("127.0.0.1:" + port + (format.equals("nginx") ? ";" : "\n"))));
        System.out.printf("%s, before the balancer runs: %s%n", format, rendered.describe("load-balancer"));
        String config = Files.readString(target);
        assertThat(config).as("%s, rendered", file).contains("127.0.0.1:" + origin.appliance().rtmpPort());
        for (Node e : edges) {
            assertThat(config).as("%s, rendered", file).contains("127.0.0.1:" + e.appliance().rtmpPort())
                    .contains("127.0.0.1:" + e.httpPort());
        }
        balancer = new Balancer(format, rtmp, play, http, target, runtime);
        startBalancer(balancer);
        ClusterProbe.Health reloaded = lb.probe().awaitHealth(Duration.ofSeconds(10), "the lb node reloads " + format,
                h -> h.check("load-balancer").map(c -> c.status().equals("UP")).orElse(false));
        System.out.printf("%s, running: %s%n", format, reloaded.describe("load-balancer"));

        // the publish through the balancer lands on the origin
        String key = "live/" + format;
        Ffmpeg.Run publisher = Ffmpeg.publishTestSource(dir, balancer.publishUrl(key), SIZE, 300, GOP_FRAMES);
        cluster.ffmpegs.add(publisher.process());
        lb.probe().awaitStreams(JOIN, key + " registered with " + origin + " after a publish through " + format,
                s -> s.stream(key).map(r -> r.originNode().equals(origin.id())).orElse(false));

        // viewers through the balancer: HLS and RTMP, spread over both edges
        // 3 s of HLS through the balancer, recorded by ffmpeg, then probed (a live playlist never ends)
        Path recorded = dir.resolve(format + "-hls.ts");
        Ffmpeg.Run recording = Ffmpeg.start(dir, "-i", balancer.httpUrl("/" + key + "/index.m3u8"), "-t", "3", "-c",
                "copy", "-f", "mpegts", recorded.toString());
        cluster.ffmpegs.add(recording.process());
        assertThat(recording.await(40)).as("ffmpeg recording HLS through %s: %s", format, recording.output()).isZero();
        Ffmpeg.Probe probe = Ffmpeg.probe(recorded);
        assertThat(probe.stream("video").codec()).isEqualTo("h264");
        assertThat(probe.stream("video").width() + "x" + probe.stream("video").height()).isEqualTo(SIZE);
        assertThat(probe.stream("audio").codec()).isEqualTo("aac");
        for (int i = 0; i < 10; i++) {
            assertPlaylistThroughBalancer(balancer, key, "request " + i);
        }
        // only HLS so far: an edge pulls the stream when a request reaches it, so both pulling means both got some
        for (Node e : edges) {
            e.probe().awaitHealth(Duration.ofSeconds(10), e + " got HLS requests through " + format + " (it pulls "
                    + key + ")", h -> h.check("edge-relay").map(c -> c.message().contains(key + " from ")).orElse(false));
        }
        List<LivePlayer> four = play(balancer, key, 4);
        for (Node e : edges) {
            e.probe().awaitHealth(Duration.ofSeconds(10), e + " serves RTMP players that came through " + format,
                    h -> h.check("edge-relay").map(c -> viewersIn(c.message()) >= 1).orElse(false));
        }
        System.out.printf("%s: publish through %d landed on %s; HLS (ffprobe: %s) and 4 RTMP players through "
                + "%d/%d; edges: %s%n", format, rtmp, origin, probe.streams(), http, play, edgeHealth());

        // an edge dies: it leaves the configuration, playback through the balancer goes on
        Node victim = edges.remove(0);
        ProcessHandle process = victim.appliance().process().orElseThrow();
        long killed = System.nanoTime();
        assertThat(process.destroyForcibly()).isTrue();
        String victimRtmp = "127.0.0.1:" + victim.appliance().rtmpPort();
        await(Duration.ofSeconds(15), victim + " leaves " + target, () -> !Appliance.unchecked(
                () -> Files.readString(target)).contains(victimRtmp));
        long goneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(goneMs).as("ms from the kill to a configuration without %s (dead after %d ms, heartbeat %d ms)",
                victim, DEAD_AFTER_MS, HEARTBEAT_MS).isLessThan(DEAD_AFTER_MS + 2 * HEARTBEAT_MS + 1500);
        for (int i = 0; i < 10; i++) {
            assertPlaylistThroughBalancer(balancer, key, "request " + i + " after the kill");
        }
        List<LivePlayer> after = play(balancer, key, 1);
        long survivors = four.stream().filter(LivePlayer::isAlive).count();
        System.out.printf("%s: kill -9 of %s; gone from %s after %d ms; 10 playlists and a new RTMP player through "
                + "the balancer since; %d of the 4 players were on the survivor and play on%n", format, victim,
                target.getFileName(), goneMs, survivors);
        assertThat(after.get(0).isAlive()).isTrue();

        // a new edge joins and gets viewers
        int newHttp = Appliance.freePort();
        Appliance joining = cluster.configure("edge", "edge", newHttp);
        Appliance.Result start = joining.aqueduct(Duration.ofSeconds(90), "start");
        assertThat(start.exitCode()).as("new edge: %s", start.output()).isZero();
        Node fresh = node("edge-" + ++edgeCount, joining, newHttp);
        String freshRtmp = "127.0.0.1:" + joining.rtmpPort();
        long joined = System.nanoTime();
        await(Duration.ofSeconds(15), fresh + " in " + target, () -> Appliance.unchecked(
                () -> Files.readString(target)).contains(freshRtmp));
        long inMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined);
        edges.add(fresh);
        play(balancer, key, 3);
        fresh.probe().awaitHealth(Duration.ofSeconds(10), fresh + " gets viewers through " + format,
                h -> h.check("edge-relay").map(c -> viewersIn(c.message()) >= 1).orElse(false));
        System.out.printf("%s: %s joined, in the configuration %d ms after it registered; 3 more RTMP players: %s%n",
                format, fresh, inMs, edgeHealth());
    }

    /** {@code n} RTMP players through the balancer's play port, each waited for until it gets video. */
    private List<LivePlayer> play(Balancer b, String key, int n) throws Exception {
        List<LivePlayer> started = new ArrayList<>();
        long asked = System.nanoTime();
        for (int i = 0; i < n; i++) {
            LivePlayer p = LivePlayer.play(dir, b.playUrl(key));
            cluster.players.add(p);
            started.add(p);
            Thread.sleep(200); // one at a time, so least-connections sees each one
        }
        await(Duration.ofSeconds(20), n + " RTMP players through " + b.format() + " get video", () -> started.stream()
                .allMatch(p -> !p.isAlive() || !p.packets(LivePlayer.VIDEO, asked).isEmpty()));
        for (LivePlayer p : started) {
            assertThat(p.isAlive()).as("a player through %s: %s", b.format(), Appliance.unchecked(p::describe))
                    .isTrue();
        }
        return started;
    }

    private static void assertPlaylistThroughBalancer(Balancer b, String key, String when) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(b.httpUrl("/" + key + "/index.m3u8")))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("index.m3u8 of %s through %s, %s: %s", key, b.format(), when, r.body())
                .isEqualTo(200);
        assertThat(r.body()).contains("#EXTINF:");
    }

    private String edgeHealth() {
        List<String> out = new ArrayList<>();
        for (Node e : edges) {
            out.add(e.name() + " " + Appliance.unchecked(() -> e.probe().health().describe("edge-relay")));
        }
        return String.join("; ", out);
    }

    private static int viewersIn(String health) {
        Matcher m = VIEWERS.matcher(health);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private void startBalancer(Balancer b) throws Exception {
        List<String> command = b.format().equals("nginx")
                ? List.of("nginx", "-c", b.target().toString())
                : List.of("haproxy", "-W", "-D", "-p", b.runtime().resolve("haproxy.pid").toString(), "-f",
                        b.target().toString());
        Path log = Files.createTempFile(dir, b.format() + "-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("%s started (daemonized)", command).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, Files.readString(log)).isZero();
        try {
            await(Duration.ofSeconds(10), b.format() + " listens on " + b.httpPort(), () -> !Appliance.portIsFree(
                    b.httpPort()));
        } catch (AssertionError e) {
            Path errors = b.runtime().resolve("error.log");
            throw new AssertionError(e.getMessage() + "; its output: " + Files.readString(log) + "; " + errors + ": "
                    + (Files.exists(errors) ? Files.readString(errors) : "none") + "; what it listens on: "
                    + Files.readAllLines(b.target()).stream().filter(l -> l.contains("listen") || l.contains("bind"))
                            .map(String::strip).toList(), e);
        }
        System.out.printf("%s started: %s (RTMP publish %d, play %d, HTTP %d)%n", b.format(), command, b.rtmpPort(),
                b.playPort(), b.httpPort());
    }

    private void stopBalancer() throws IOException, InterruptedException {
        Balancer b = balancer;
        balancer = null;
        if (b == null) {
            return;
        }
        Path pid = b.runtime().resolve(b.format().equals("nginx") ? "nginx.pid" : "haproxy.pid");
        if (Files.exists(pid)) {
            // SIGTERM: both masters stop their workers (a SIGKILL would leave them running, orphaned)
            ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(master -> {
                List<ProcessHandle> workers = master.descendants().toList();
                master.destroy();
                master.onExit().completeOnTimeout(master, 10, TimeUnit.SECONDS).join();
                master.destroyForcibly();
                workers.forEach(ProcessHandle::destroyForcibly);
            });
        }
        await(Duration.ofSeconds(10), b.format() + " stopped", () -> Appliance.portIsFree(b.httpPort()));
    }
}
