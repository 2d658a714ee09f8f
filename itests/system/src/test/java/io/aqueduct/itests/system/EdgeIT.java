package io.aqueduct.itests.system;

import static io.aqueduct.itests.system.Appliance.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge relay with real processes: one {@code bin/aqueduct registry}, one origin and two edges, each an appliance
 * on its own loopback ports (HTTP, RTMP, relay), configured before their first start as an operator would
 * ({@code bin/aqueduct mode cluster 127.0.0.1:<port> --role origin|edge}, a short heartbeat, the relay port in
 * {@code io.aqueduct.relay.cfg}). ffmpeg publishes to the origin; players on the edges make each edge pull the stream
 * from the origin over its relay connection, on demand.
 *
 * <p>One cluster for the whole class; the tests run in order and build on each other: the first brings the stream to
 * both edges (edge 1 by an RTMP play, edge 2 by an HLS playlist request), the later ones find it there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class EdgeIT {
    private static final long HEARTBEAT_MS = 500;
    private static final long DEAD_AFTER_MS = 2000;
    private static final String STREAM = "live/edge";
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    /** A keyframe every second at 30 fps: every 2 s HLS slot holds one, so all nodes cut the same segments. */
    private static final int GOP_FRAMES = 30;
    /** Longer than the whole class takes; the publisher is stopped in {@link #stop()}. */
    private static final int PUBLISH_SECONDS = 300;
    /** What each player in the playback test records. */
    private static final int RECORD_SECONDS = 4;
    private static final Duration JOIN = Duration.ofSeconds(30);
    /** Segments a live playlist lists (io.aqueduct.hls window, default). */
    private static final int WINDOW = 6;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    // The relay protocol (bundles/io.aqueduct.edge, internal/wire/package-info.java), built by hand here.
    private static final int HELLO = 0x01;
    private static final int WELCOME = 0x11;
    private static final int REFUSED = 0x12;
    private static final int PROTOCOL_VERSION = 1;

    private static final Pattern RELAY = Pattern.compile("serving edges on (\\S+): (\\d+) connection\\(s\\)"
            + "(?: \\((.*)\\))?, (\\d+) stream\\(s\\) relayed, (\\d+) refused");
    private static final Pattern RELAY_EDGE = Pattern.compile("(\\S+) \\[([^\\]]*)]");

    /** static: JUnit fills instance @TempDir fields only after @BeforeAll */
    @TempDir
    static Path dir;

    private ClusterFixture cluster;
    private Node origin;
    /** The origin started by the failover test. */
    private Node secondOrigin;
    private final List<Node> edges = new ArrayList<>();
    private long classStarted;

    /** An appliance of the cluster: its name in messages, ports, and the id it registered under. */
    private record Node(String name, Appliance appliance, int httpPort, int relayPort, String id) {
        ClusterProbe probe() {
            return new ClusterProbe(appliance, httpPort);
        }

        String rtmpUrl() {
            return appliance.rtmpUrl(STREAM);
        }

        String httpUrl(String file) {
            return "http://127.0.0.1:" + httpPort + "/" + STREAM + "/" + file;
        }

        @Override
        public String toString() {
            return name + " (" + id + ")";
        }
    }

    @BeforeAll
    void start() throws Exception {
        classStarted = System.nanoTime();
        cluster = ClusterFixture.start(dir, HEARTBEAT_MS, DEAD_AFTER_MS);

        List<String> roles = List.of("origin", "edge", "edge");
        List<String> names = List.of("origin", "edge-1", "edge-2");
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            int http = Appliance.freePort();
            int relay = Appliance.freePort();
            configure(names.get(i), roles.get(i), http, relay);
            ports.add(new int[] {http, relay});
        }
        List<Appliance.Result> starts = Appliance.inParallel(cluster.appliances.stream()
                .<Callable<Appliance.Result>>map(a -> () -> a.aqueduct(Duration.ofSeconds(90), "start")).toList());
        for (int i = 0; i < roles.size(); i++) {
            Appliance.Result r = starts.get(i);
            assertThat(r.exitCode()).as("%s: bin/aqueduct start: %s%nlog:%n%s", names.get(i), r.output(),
                    cluster.appliances.get(i).logText()).isZero();
        }
        long started = System.nanoTime();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            Appliance a = cluster.appliances.get(i);
            int http = ports.get(i)[0];
            String[] id = new String[1];
            await(JOIN, names.get(i) + " answers /rest/v2/cluster/nodes (log: " + a.log() + ")", () -> {
                id[0] = tryJson(http, "/rest/v2/cluster/nodes").map(b -> b.getString("nodeId")).orElse(null);
                return id[0] != null;
            });
            nodes.add(new Node(names.get(i), a, http, ports.get(i)[1], id[0]));
        }
        origin = nodes.get(0);
        edges.addAll(nodes.subList(1, 3));

        origin.probe().awaitHealth(JOIN, origin + " serves edges on its relay port " + origin.relayPort(),
                h -> h.check("relay").map(c -> c.status().equals("UP") && c.message().startsWith(
                        "serving edges on 127.0.0.1:" + origin.relayPort() + ": ")).orElse(false));
        for (Node e : edges) {
            e.probe().awaitHealth(JOIN, e + " reports its edge relay", h -> h.check("edge-relay")
                    .map(c -> c.status().equals("UP")).orElse(false));
            // an edge finds the origin's relay port in the origin's node document
            await(JOIN, e + " lists " + origin + " alive with relay port " + origin.relayPort(), () -> tryJson(
                    e.httpPort(), "/rest/v2/cluster/nodes").map(b -> b.getList("nodes", Document.class).stream()
                    .anyMatch(n -> origin.id().equals(n.getString("id")) && n.getBoolean("alive")
                            && Integer.valueOf(origin.relayPort()).equals(n.get("ports", Document.class)
                            .getInteger("relay")))).orElse(false));
        }
        System.out.printf("edge cluster: registry on %d; %s; started in %d ms, joined %d ms later%n",
                cluster.registryPort(),
                nodes.stream().map(n -> n + " http:" + n.httpPort() + " rtmp:" + n.appliance().rtmpPort()
                        + " relay:" + n.relayPort()).toList(),
                TimeUnit.NANOSECONDS.toMillis(started - classStarted),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

        Ffmpeg.Run publisher = Ffmpeg.publishTestSource(dir, origin.rtmpUrl(), WIDTH + "x" + HEIGHT,
                PUBLISH_SECONDS, GOP_FRAMES);
        cluster.ffmpegs.add(publisher.process());
        long published = System.nanoTime();
        // the edges look the stream up in the registry: it must be registered with its origin first
        edges.get(0).probe().awaitStreams(JOIN, STREAM + " registered with " + origin, s -> s.stream(STREAM)
                .map(r -> r.originNode().equals(origin.id()) && r.originAlive()).orElse(false));
        System.out.printf("publish on %s: registered after %d ms%n", origin,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published));
        assertThat(publisher.process().isAlive()).as("the publisher on %s: %s", origin, publisher.output()).isTrue();
    }

    /** A copy of the distribution in the cluster with {@code role} and its relay on {@code relay}; not started. */
    private Appliance configure(String name, String role, int http, int relay) throws Exception {
        Appliance a = cluster.configure(name, role, http);
        a.writeConfig("io.aqueduct.relay.cfg", "port = " + relay + "\n");
        return a;
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            System.out.printf("edge cluster: the class took %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - classStarted));
        }
    }

    @Test
    @Order(1)
    void ffmpegPlaysRtmpAndHlsFromEachEdgeAndGetsTheStream() throws Exception {
        Node edge1 = edges.get(0);
        Node edge2 = edges.get(1);
        for (Node e : edges) {
            assertThat(e.probe().health().check("edge-relay").orElseThrow().message())
                    .as("%s pulls nothing before anyone asks", e).startsWith("pulling 0 stream(s)");
        }

        // edge 1: the first request is an RTMP play; the pull takes until the first video packet reaches ffmpeg
        long asked = System.nanoTime();
        long rtmpFirstVideoMs;
        try (LivePlayer first = LivePlayer.play(dir, edge1.rtmpUrl())) {
            await(Duration.ofSeconds(15), "video from the first RTMP player on " + edge1,
                    () -> !first.packets(LivePlayer.VIDEO, asked).isEmpty() || !first.isAlive());
            assertThat(first.packets(LivePlayer.VIDEO, asked)).as("first player on %s: %s", edge1,
                    Appliance.unchecked(first::describe)).isNotEmpty();
            rtmpFirstVideoMs = TimeUnit.NANOSECONDS.toMillis(first.packets(LivePlayer.VIDEO, asked).get(0)
                    .arrivalNanos() - asked);
        }
        // edge 2: the first request is an HLS playlist, held until the pulled stream's first segment exists
        long hlsAsked = System.nanoTime();
        HttpResponse<String> firstPlaylist = get(edge2.httpUrl("index.m3u8"), Duration.ofSeconds(15));
        long hlsFirstPlaylistMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - hlsAsked);
        assertThat(firstPlaylist.statusCode()).as("first index.m3u8 on %s: %s", edge2, firstPlaylist.body())
                .isEqualTo(200);
        assertThat(firstPlaylist.body()).as("first index.m3u8 on %s", edge2).contains("#EXTINF:");
        System.out.printf("on-demand pull: %s first RTMP play -> first video packet after %d ms; %s first "
                + "index.m3u8 -> playlist with a segment after %d ms (segments %s)%n", edge1, rtmpFirstVideoMs, edge2,
                hlsFirstPlaylistMs, Playlist.parse(firstPlaylist.body()).range());

        for (Node e : edges) {
            HttpResponse<String> master = get(e.httpUrl("master.m3u8"), Duration.ofSeconds(10));
            assertThat(master.statusCode()).as("master.m3u8 on %s: %s", e, master.body()).isEqualTo(200);
            assertThat(master.body()).as("master.m3u8 on %s", e).contains("RESOLUTION=" + WIDTH + "x" + HEIGHT)
                    .contains("\nll.m3u8\n");
        }

        // each edge: RTMP, classic HLS and LL-HLS recorded by ffmpeg at once
        List<Recording> recordings = new ArrayList<>();
        for (Node e : edges) {
            recordings.add(record(e, "rtmp", e.rtmpUrl(), "flv", "flv"));
            recordings.add(record(e, "index.m3u8", e.httpUrl("index.m3u8"), "ts", "mpegts"));
            recordings.add(record(e, "ll.m3u8", e.httpUrl("ll.m3u8"), "mp4", "mp4"));
        }
        for (Recording r : recordings) {
            int exit = r.run().await(40);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.startNanos());
            assertThat(exit).as("ffmpeg recording %s from %s: %s", r.what(), r.edge(), r.run().output()).isZero();
            Ffmpeg.Probe probe = Ffmpeg.probe(r.file());
            Ffmpeg.Stream video = probe.stream("video");
            Ffmpeg.Stream audio = probe.stream("audio");
            System.out.printf("%s %s: %s %dx%d %d frames + %s, %.3f s (ffmpeg done after %d ms)%n", r.edge(),
                    r.what(), video.codec(), video.width(), video.height(), video.frames(), audio.codec(),
                    probe.duration(), tookMs);
            String what = r.what() + " from " + r.edge() + ": " + probe;
            assertThat(video.codec()).as(what).isEqualTo("h264");
            assertThat(video.width()).as("width, %s", what).isEqualTo(WIDTH);
            assertThat(video.height()).as("height, %s", what).isEqualTo(HEIGHT);
            assertThat(audio.codec()).as(what).isEqualTo("aac");
            assertThat(probe.duration()).as("duration of %d s recorded, %s", RECORD_SECONDS, what)
                    .isBetween(RECORD_SECONDS - 0.5, RECORD_SECONDS + 0.6);
            // 30 fps: about all the frames of the duration, none missing in the middle
            assertThat(video.frames()).as("video frames, %s", what)
                    .isBetween((long) (probe.duration() * 30 * 0.9), (long) (probe.duration() * 30) + 2);
        }

        for (Node e : edges) {
            String health = e.probe().health().describe("edge-relay");
            assertThat(health).as("edge-relay on %s", e).startsWith("UP: pulling 1 stream(s) over 1 origin "
                    + "connection(s): " + STREAM + " from " + origin.id() + " (127.0.0.1:" + origin.relayPort() + "), ")
                    .endsWith(" viewer(s)");
        }
    }

    /** An ffmpeg copying {@value #RECORD_SECONDS} s of what an edge plays into a file. */
    private record Recording(Node edge, String what, Path file, Ffmpeg.Run run, long startNanos) {
    }

    private Recording record(Node edge, String what, String url, String extension, String format)
            throws IOException {
        Path file = dir.resolve(edge.name() + "-" + what.replace('.', '-') + "." + extension);
        long start = System.nanoTime();
        Ffmpeg.Run run = Ffmpeg.start(dir, "-i", url, "-t", Integer.toString(RECORD_SECONDS), "-c", "copy",
                "-f", format, file.toString());
        cluster.ffmpegs.add(run.process());
        return new Recording(edge, what, file, run, start);
    }

    @Test
    @Order(2)
    void tenPlayersOnOneEdgeCauseExactlyOneRelayConnectionFromThatEdge() throws Exception {
        Node edge1 = edges.get(0);
        Node edge2 = edges.get(1);
        int playerCount = 10;
        long started = System.nanoTime();
        List<LivePlayer> ten = new ArrayList<>();
        for (int i = 0; i < playerCount; i++) {
            LivePlayer p = LivePlayer.play(dir, edge1.rtmpUrl());
            cluster.players.add(p);
            ten.add(p);
        }
        // and HLS viewers on the same edge: playlists of both kinds and a segment
        int hlsRequests = 0;
        for (int i = 0; i < 3; i++) {
            for (String playlist : List.of("index.m3u8", "ll.m3u8")) {
                HttpResponse<String> r = get(edge1.httpUrl(playlist), Duration.ofSeconds(10));
                assertThat(r.statusCode()).as("%s on %s: %s", playlist, edge1, r.body()).isEqualTo(200);
                hlsRequests++;
            }
        }
        Playlist index = Playlist.parse(get(edge1.httpUrl("index.m3u8"), Duration.ofSeconds(10)).body());
        String segment = index.segments().get(index.segments().size() - 1).uri();
        HttpResponse<byte[]> ts = edge1.probe().getBytes("/" + STREAM + "/" + segment);
        assertThat(ts.statusCode()).as("segment %s on %s", segment, edge1).isEqualTo(200);
        assertThat(ts.body().length).as("bytes of segment %s on %s", segment, edge1).isGreaterThan(1000);
        hlsRequests += 2;

        await(Duration.ofSeconds(20), playerCount + " players on " + edge1 + " get video", () -> ten.stream()
                .allMatch(p -> !p.isAlive() || !p.packets(LivePlayer.VIDEO, started).isEmpty()));
        for (LivePlayer p : ten) {
            assertThat(p.isAlive()).as("player on %s: %s", edge1, Appliance.unchecked(p::describe)).isTrue();
        }
        long allPlayingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        // the origin's own account: one connection per edge, each relaying the stream once
        ClusterProbe.Check relay = origin.probe().health().check("relay").orElseThrow();
        System.out.printf("%d RTMP players and %d HLS requests on %s, all playing after %d ms; %s says: %s%n",
                playerCount, hlsRequests, edge1, allPlayingMs, origin, relay.message());
        RelayHealth stats = RelayHealth.parse(relay.message());
        assertThat(relay.status()).as("relay check on %s: %s", origin, relay.message()).isEqualTo("UP");
        assertThat(stats.edges()).as("relay connections on %s: %s", origin, relay.message())
                .isEqualTo(Map.of(edge1.id(), List.of(STREAM), edge2.id(), List.of(STREAM)));
        assertThat(stats.connections()).as("connections on %s: %s", origin, relay.message()).isEqualTo(2);
        assertThat(stats.streamsRelayed()).as("streams relayed by %s: %s", origin, relay.message()).isEqualTo(2);
        assertThat(stats.refused()).as("refused by %s: %s", origin, relay.message()).isZero();
        // connections from edge 1 in the origin's whole life: one (no reconnects while the players joined)
        assertThat(countMatches(origin.appliance().logText(), Pattern.compile(
                "relay connection from /127\\.0\\.0\\.1:\\d+: edge " + Pattern.quote(edge1.id()) + "\\b")))
                .as("'relay connection from ...: edge %s' lines in %s's log", edge1.id(), origin).isEqualTo(1);
        // the kernel's account: the established TCP connections to the relay port, both edges together
        assertThat(establishedTo(origin.relayPort())).as("established TCP connections to %s's relay port %d",
                origin, origin.relayPort()).isEqualTo(2);
        assertThat(edge1.probe().health().describe("edge-relay")).as("edge-relay on %s", edge1)
                .startsWith("UP: pulling 1 stream(s) over 1 origin connection(s): " + STREAM + " from "
                        + origin.id() + " (127.0.0.1:" + origin.relayPort() + "), ");
        // the edge counts its viewers: the ten RTMP players (and this test's HLS client while it is recent)
        edge1.probe().awaitHealth(Duration.ofSeconds(5), edge1 + " counts at least " + playerCount + " viewers",
                h -> h.check("edge-relay").map(c -> viewersIn(c.message()) >= playerCount).orElse(false));

        for (LivePlayer p : ten) {
            p.close();
        }
        cluster.players.removeAll(ten);
    }

    @Test
    @Order(3)
    void bothEdgesServeTheSameMediaPlaylistAtTheSameMoment() throws Exception {
        Node edge1 = edges.get(0);
        Node edge2 = edges.get(1);
        // a young stream lists few segments: first let every node list four, so that at least three are common
        // even when one node has the newest segment already and another not yet
        for (Node n : List.of(edge1, edge2, origin)) {
            await(Duration.ofSeconds(20), n + " lists 4 segments of " + STREAM, () -> Appliance.unchecked(
                    () -> Playlist.parse(get(n.httpUrl("index.m3u8"), Duration.ofSeconds(5)).body()).segments()
                            .size()) >= 4);
        }
        int fullSamples = 0;
        long lastSeen = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // at least four samples, two of them with full windows everywhere (no node's first segment listed)
        for (int sample = 1; sample <= 4 || fullSamples < 2; sample++) {
            assertThat(System.nanoTime()).as("30 s for the samples; %d had full windows", fullSamples)
                    .isLessThan(deadline);
            if (sample > 1) {
                // the next sample once the origin has cut a new segment: the playlists moved on
                long before = lastSeen;
                await(Duration.ofSeconds(6), "a new segment on " + origin, () -> Appliance.unchecked(
                        () -> Playlist.parse(get(origin.httpUrl("index.m3u8"), Duration.ofSeconds(5)).body())
                                .lastSequence()) > before);
            }
            // the three at once
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (Node n : List.of(edge1, edge2, origin)) {
                answers.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(n.httpUrl("index.m3u8")))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            List<Playlist> lists = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                HttpResponse<String> r = answers.get(i).get(10, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as("index.m3u8 of sample %d, node %d: %s", sample, i, r.body())
                        .isEqualTo(200);
                lists.add(Playlist.parse(r.body()));
            }
            Playlist one = lists.get(0);
            Playlist two = lists.get(1);
            Playlist own = lists.get(2);
            lastSeen = own.lastSequence();
            List<String> notes = new ArrayList<>();
            assertSame(sample, edge1 + " and " + edge2, one, two, notes);
            assertSame(sample, edge1 + " and " + origin, one, own, notes);
            assertSame(sample, edge2 + " and " + origin, two, own, notes);
            boolean full = lists.stream().allMatch(Playlist::full);
            if (full) {
                fullSamples++;
            }
            System.out.printf("sample %d%s: %s %s; %s %s; %s %s%s%n", sample, full ? " (full windows)" : "", edge1,
                    one.range(), edge2, two.range(), origin, own.range(), notes.isEmpty() ? ""
                            : "; first segments: " + String.join(", ", notes));
        }
    }

    /**
     * The same sequence numbers name the same segments with the same durations; only the newest may be missing on
     * one side. A node's very first segment (listed while its window is not full yet) starts at the keyframe the
     * node began with: with keyframes every second and 2 s slots that can be the second keyframe of its slot, so
     * it has the slot's name but only part of its media; there the names must agree and the durations may not.
     */
    private static void assertSame(int sample, String which, Playlist a, Playlist b, List<String> notes) {
        String what = "sample " + sample + ", " + which + ":\n" + a.text() + "\n---\n" + b.text();
        assertThat(a.targetDuration()).as("EXT-X-TARGETDURATION, %s", what).isEqualTo(b.targetDuration());
        assertThat(a.discontinuitySequence()).as("EXT-X-DISCONTINUITY-SEQUENCE, %s", what)
                .isEqualTo(b.discontinuitySequence());
        assertThat(Math.abs(a.lastSequence() - b.lastSequence())).as("newest segment numbers %d and %d, %s",
                a.lastSequence(), b.lastSequence(), what).isLessThanOrEqualTo(1);
        if (a.full() && b.full()) {
            assertThat(Math.abs(a.mediaSequence() - b.mediaSequence())).as("EXT-X-MEDIA-SEQUENCE %d and %d, %s",
                    a.mediaSequence(), b.mediaSequence(), what).isLessThanOrEqualTo(1);
        }
        Map<Long, Segment> bySequence = new LinkedHashMap<>();
        b.segments().forEach(s -> bySequence.put(s.sequence(), s));
        List<Segment> common = a.segments().stream().filter(s -> bySequence.containsKey(s.sequence())).toList();
        assertThat(common.size()).as("segments in both, %s", what).isGreaterThanOrEqualTo(3);
        for (Segment s : common) {
            Segment other = bySequence.get(s.sequence());
            if (a.isFirstOfNode(s) || b.isFirstOfNode(other)) {
                assertThat(other.uri()).as("name of segment %d, %s", s.sequence(), what).isEqualTo(s.uri());
                if (!other.duration().equals(s.duration())) {
                    notes.add(which + " " + s.uri() + " " + s.duration() + " vs " + other.duration());
                }
            } else {
                assertThat(other).as("segment %d, %s", s.sequence(), what).isEqualTo(s);
            }
        }
    }

    @Test
    @Order(4)
    void aRelayConnectionWithAMissingOrForgedTokenIsRefused() throws Exception {
        int refusedBefore = RelayHealth.parse(origin.probe().health().check("relay").orElseThrow().message())
                .refused();
        String intruder = "edge-it-intruder";
        long now = System.currentTimeMillis();
        byte[] otherSecret = "not the cluster's secret, 32 b!!".getBytes(StandardCharsets.UTF_8);
        String forged = token(otherSecret, intruder, now);
        record Attempt(String what, byte[] bytes, String reason) {
        }
        List<Attempt> attempts = List.of(
                new Attempt("an empty token", hello(intruder, ""), "malformed"),
                new Attempt("a HELLO that ends before its token", truncatedHello(intruder),
                        "malformed frame: HELLO frame ends inside its token length"),
                new Attempt("a token signed with another secret", hello(intruder, forged), "bad signature"),
                // someone pointing a browser at the port: "GET " read as a length
                new Attempt("garbage (an HTTP request)", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII), "malformed frame: frame length 1195725856 is not "
                        + "within 1..4096"));
        for (Attempt attempt : attempts) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), origin.relayPort())) {
                socket.setSoTimeout(5000);
                long sent = System.nanoTime();
                socket.getOutputStream().write(attempt.bytes());
                socket.getOutputStream().flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                Frame answer = Frame.read(in);
                String closed = closedBy(in);
                long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
                String reason = answer.type() == REFUSED ? answer.string() : null;
                System.out.printf("relay HELLO with %s: answered 0x%02x '%s', then %s (%d ms)%n", attempt.what(),
                        answer.type(), reason, closed, answeredMs);
                assertThat(answer.type()).as("frame type answering %s", attempt.what()).isEqualTo(REFUSED);
                assertThat(reason).as("REFUSED reason for %s", attempt.what()).isEqualTo(attempt.reason());
                assertThat(closed).as("the origin closes after refusing %s", attempt.what()).isNotNull();
                String line = "WARN .* relay connection from /127\\.0\\.0\\.1:" + socket.getLocalPort()
                        + " refused: " + Pattern.quote(attempt.reason()) + "$";
                await(Duration.ofSeconds(5), "the WARN line for " + attempt.what() + " in " + origin + "'s log",
                        () -> countMatches(Appliance.unchecked(() -> origin.appliance().logText()),
                                Pattern.compile(line, Pattern.MULTILINE)) == 1);
            }
        }
        // the control: the same HELLO with a token signed by the cluster's secret is welcomed, so the refusals
        // above are about the tokens, not about how this test builds frames
        byte[] secret;
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + cluster.registryPort())) {
            Document settings = client.getDatabase("aqueduct").getCollection("settings")
                    .find(Filters.eq("_id", "cluster")).first();
            assertThat(settings).as("the registry's settings document 'cluster'").isNotNull();
            secret = Base64.getDecoder().decode(settings.getString("secret"));
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), origin.relayPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(hello("edge-it-control", token(secret, "edge-it-control",
                    System.currentTimeMillis())));
            Frame answer = Frame.read(new DataInputStream(socket.getInputStream()));
            assertThat(answer.type()).as("frame type answering a HELLO with a valid token").isEqualTo(WELCOME);
            assertThat(answer.welcome()).as("WELCOME").isEqualTo(PROTOCOL_VERSION + " " + origin.id());
        }

        ClusterProbe.Health after = origin.probe().awaitHealth(Duration.ofSeconds(10), "the relay check of "
                + origin + " counts " + attempts.size() + " more refused, and the control connection is gone",
                h -> h.check("relay").map(c -> {
                    RelayHealth s = RelayHealth.parse(c.message());
                    return s.refused() == refusedBefore + attempts.size() && s.connections() == 2;
                }).orElse(false));
        String relay = after.check("relay").orElseThrow().message();
        System.out.printf("%s after the refusals: %s%n", origin, relay);
        // the edges' connections are untouched, and the edges still play
        assertThat(RelayHealth.parse(relay).edges()).as("relay connections on %s: %s", origin, relay)
                .containsOnlyKeys(edges.get(0).id(), edges.get(1).id());
        for (Node e : edges) {
            Path file = dir.resolve(e.name() + "-after-refusals.flv");
            Ffmpeg.Run run = Ffmpeg.start(dir, "-i", e.rtmpUrl(), "-t", "2", "-c", "copy", "-f", "flv",
                    file.toString());
            cluster.ffmpegs.add(run.process());
            assertThat(run.await(30)).as("playing %s from %s after the refusals: %s", STREAM, e, run.output())
                    .isZero();
            Ffmpeg.Probe probe = Ffmpeg.probe(file);
            assertThat(probe.stream("video").frames()).as("video frames from %s after the refusals: %s", e, probe)
                    .isGreaterThan(30);
            HttpResponse<String> playlist = get(e.httpUrl("index.m3u8"), Duration.ofSeconds(10));
            assertThat(playlist.statusCode()).as("index.m3u8 on %s after the refusals", e).isEqualTo(200);
        }
        assertThat(countMatches(origin.appliance().logText(), Pattern.compile("relay connection from /127\\.0\\.0"
                + "\\.1:\\d+: edge " + Pattern.quote(edges.get(0).id()) + "\\b"))).as("connections from %s",
                edges.get(0)).isEqualTo(1);
    }

    @Test
    @Order(5)
    void anRtmpPublishToAnEdgeIsRefusedWithAClearMessage() throws Exception {
        String key = "live/x";
        List<Ffmpeg.Run> runs = new ArrayList<>();
        for (Node e : edges) {
            Ffmpeg.Run run = Ffmpeg.publishTestSource(dir, e.appliance().rtmpUrl(key), WIDTH + "x" + HEIGHT, 10,
                    GOP_FRAMES);
            cluster.ffmpegs.add(run.process());
            runs.add(run);
        }
        for (int i = 0; i < edges.size(); i++) {
            Node e = edges.get(i);
            Ffmpeg.Run run = runs.get(i);
            int exit = run.await(30);
            String output = run.output();
            System.out.printf("publish to %s: ffmpeg exited %d: %s%n", e, exit, output.strip());
            assertThat(exit).as("ffmpeg publishing %s to %s: %s", key, e, output).isNotZero();
            assertThat(output).as("ffmpeg's output publishing to %s", e).contains("Server error: publishing " + key
                    + " is not allowed: this node is an edge: it serves viewers and takes no publishers; publish to "
                    + "an origin: rtmp://127.0.0.1:" + origin.appliance().rtmpPort() + "/<app>/<stream> (or the "
                    + "balancer's RTMP port)");
            assertThat(e.probe().streams().stream(key)).as("%s in the registry after the publish to %s", key, e)
                    .isEmpty();
        }
        HttpResponse<String> playlist = get(edges.get(0).httpUrl("index.m3u8").replace(STREAM, key),
                Duration.ofSeconds(15));
        assertThat(playlist.statusCode()).as("index.m3u8 of %s on %s: %s", key, edges.get(0), playlist.body())
                .isEqualTo(404);
    }

    /**
     * Acceptance 5, last because it kills the origin: an RTMP player and HLS on the edges go on through the loss of
     * the origin, a second origin started afterwards and the publisher's republish of the same key to it.
     */
    @Test
    @Order(6)
    void theEdgesGoOnWhenTheOriginIsKilledAndTheStreamIsRepublishedOnASecondOrigin() throws Exception {
        Node edge1 = edges.get(0);
        Node edge2 = edges.get(1);
        LivePlayer player = LivePlayer.play(dir, edge1.rtmpUrl());
        cluster.players.add(player);
        long playing = System.nanoTime();
        await(Duration.ofSeconds(15), "video on the RTMP player on " + edge1,
                () -> !player.packets(LivePlayer.VIDEO, playing).isEmpty() || !player.isAlive());
        Map<Node, Playlist> before = new LinkedHashMap<>();
        for (Node e : edges) {
            before.put(e, Playlist.parse(get(e.httpUrl("index.m3u8"), Duration.ofSeconds(5)).body()));
        }

        ProcessHandle process = origin.appliance().process().orElseThrow();
        long killed = System.nanoTime();
        assertThat(process.destroyForcibly()).as("SIGKILL to %s (pid %d)", origin, process.pid()).isTrue();
        await(Duration.ofSeconds(10), origin + " gone", () -> !process.isAlive());
        for (Node e : edges) {
            e.probe().awaitHealth(Duration.ofSeconds(5), e + " says it lost the origin and looks for the stream",
                    h -> h.check("edge-relay").map(c -> c.message().contains(STREAM + " (origin ")
                            && c.message().contains(" lost; looking for it)")).orElse(false));
        }
        long noticed = System.nanoTime();

        int http = Appliance.freePort();
        int relay = Appliance.freePort();
        Appliance second = configure("origin-2", "origin", http, relay);
        Appliance.Result started = second.aqueduct(Duration.ofSeconds(90), "start");
        assertThat(started.exitCode()).as("origin-2: bin/aqueduct start: %s%nlog:%n%s", started.output(),
                second.logText()).isZero();
        await(JOIN, "origin-2 serves edges", () -> tryJson(http, "/health").map(h -> h.toJson()
                .contains("serving edges on 127.0.0.1:" + relay)).orElse(false));
        long secondUp = System.nanoTime();
        secondOrigin = new Node("origin-2", second, http, relay, tryJson(http, "/rest/v2/cluster/nodes")
                .map(b -> b.getString("nodeId")).orElseThrow());
        // the same key again, as a publisher reconnecting through the balancer would: refused while the killed
        // origin still looks alive in the registry, so tried until it is taken
        Ffmpeg.Run[] republish = new Ffmpeg.Run[1];
        await(Duration.ofSeconds(30), STREAM + " republished to origin-2", () -> {
            if (republish[0] != null && republish[0].process().isAlive()) {
                return tryJson(http, "/rest/v2/cluster/streams").map(b -> b.toJson().contains(STREAM)).orElse(false);
            }
            Ffmpeg.Run run = Appliance.unchecked(() -> Ffmpeg.publishTestSource(dir, second.rtmpUrl(STREAM),
                    WIDTH + "x" + HEIGHT, PUBLISH_SECONDS, GOP_FRAMES));
            cluster.ffmpegs.add(run.process());
            republish[0] = run;
            return false;
        });
        long republished = System.nanoTime();

        await(Duration.ofSeconds(20), "video again on the RTMP player on " + edge1,
                () -> !player.packets(LivePlayer.VIDEO, republished).isEmpty() || !player.isAlive());
        assertThat(player.isAlive()).as("the player on %s stayed connected: %s", edge1,
                Appliance.unchecked(player::describe)).isTrue();
        List<LivePlayer.Packet> again = player.packets(LivePlayer.VIDEO, republished);
        assertThat(again).as("video after the republish: %s", Appliance.unchecked(player::describe)).isNotEmpty();
        long resumedMs = TimeUnit.NANOSECONDS.toMillis(again.get(0).arrivalNanos() - republished);
        long gapMs = player.largestVideoGapMillis(killed, again.get(0).arrivalNanos());
        long watch = System.nanoTime();
        await(Duration.ofSeconds(10), "3 s of video after the resume", () -> player.packets(LivePlayer.VIDEO,
                watch).size() >= 80 || !player.isAlive());
        assertThat(player.packets(LivePlayer.VIDEO, watch).size()).as("video packets in the 3 s after the resume")
                .isGreaterThanOrEqualTo(80);
        assertThat(player.videoTimestampReset()).as("the player's timestamps only go forward").isNull();

        for (Node e : edges) {
            Playlist old = before.get(e);
            await(Duration.ofSeconds(20), e + " lists segments of the republished stream", () -> Appliance.unchecked(
                    () -> Playlist.parse(get(e.httpUrl("index.m3u8"), Duration.ofSeconds(5)).body()).text()
                            .contains("#EXT-X-DISCONTINUITY\n")));
            Playlist now = Playlist.parse(get(e.httpUrl("index.m3u8"), Duration.ofSeconds(5)).body());
            System.out.printf("%s index.m3u8 before the kill: %s%nafter the republish:%n%s%n", e, old.range(),
                    now.text());
            assertThat(now.mediaSequence()).as("%s: the playlist goes on (media sequence)", e)
                    .isGreaterThanOrEqualTo(old.mediaSequence());
            assertThat(now.lastSequence()).as("%s: segments after the republish", e).isGreaterThan(old.lastSequence());
            assertThat(now.segments().stream().map(Segment::uri).toList())
                    .as("%s: segments of before the kill still listed after the discontinuity", e)
                    .contains(old.segments().get(old.segments().size() - 1).uri());
        }
        System.out.printf("failover: kill -9 of %s; the edges noticed within %d ms; origin-2 up %d ms after the kill; "
                + "republish taken %d ms after the kill; the RTMP player on %s (one connection throughout) got video "
                + "%d ms after that; largest video gap %d ms; %d video packets in the next 3 s, timestamps only "
                + "forward%n", origin, TimeUnit.NANOSECONDS.toMillis(noticed - killed),
                TimeUnit.NANOSECONDS.toMillis(secondUp - killed), TimeUnit.NANOSECONDS.toMillis(republished - killed),
                edge1, resumedMs, gapMs, player.packets(LivePlayer.VIDEO, watch).size());
        for (Node e : edges) {
            String health = e.probe().health().describe("edge-relay");
            assertThat(health).as("edge-relay on %s", e).startsWith("UP: pulling 1 stream(s)").contains(STREAM
                    + " from ").contains(":" + relay + ")");
        }
    }

    /**
     * After the failover (the stream now comes from origin-2): the edges report their viewers to the registry, and
     * an edge nobody watches releases its pull after {@code pull.idle.ms}; the next viewer pulls again.
     */
    @Test
    @Order(7)
    void anEdgeReleasesAPullNobodyWatchesAndReportsItsViewersToTheRegistry() throws Exception {
        Node edge1 = edges.get(0);
        Node edge2 = edges.get(1);
        // edge 2 pulls the stream for nobody (its HLS clients left): with pull.idle.ms = 2000 it lets it go
        assertThat(edge2.probe().health().describe("edge-relay")).as("edge-relay on %s", edge2)
                .startsWith("UP: pulling 1 stream(s)");
        long configured = System.nanoTime();
        edge2.appliance().setConfig("io.aqueduct.relay.cfg", "pull.idle.ms", "2000");
        edge2.probe().awaitHealth(Duration.ofSeconds(30), edge2 + " releases its pull",
                h -> h.check("edge-relay").map(c -> c.message().startsWith("pulling 0 stream(s)")).orElse(false));
        long releasedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - configured);
        assertThat(edge2.appliance().logText()).as("%s's log", edge2).contains("Releasing " + STREAM
                + " (from origin ").contains("): no viewers for ");
        assertThat(edge1.probe().health().describe("edge-relay")).as("%s, which has a viewer, keeps its pull", edge1)
                .startsWith("UP: pulling 1 stream(s)");
        // the origin's account: edge 2 is still connected and pulls nothing, edge 1 still pulls the stream
        secondOrigin.probe().awaitHealth(Duration.ofSeconds(5), secondOrigin + " relays nothing to " + edge2,
                h -> h.check("relay").map(c -> RelayHealth.parse(c.message()).edges().equals(Map.of(edge1.id(),
                        List.of(STREAM), edge2.id(), List.of()))).orElse(false));

        // a viewer comes back to edge 2: pulled again
        long asked = System.nanoTime();
        LivePlayer back = LivePlayer.play(dir, edge2.rtmpUrl());
        cluster.players.add(back);
        await(Duration.ofSeconds(15), "video on a new player on " + edge2,
                () -> !back.packets(LivePlayer.VIDEO, asked).isEmpty() || !back.isAlive());
        assertThat(back.packets(LivePlayer.VIDEO, asked)).as("the new player on %s: %s", edge2,
                Appliance.unchecked(back::describe)).isNotEmpty();
        System.out.printf("idle pull: %s released the stream %d ms after pull.idle.ms = 2000 was written (the file "
                + "is read within a few seconds, HLS clients count for 6 s); a new RTMP player got video %d ms after "
                + "it asked%n", edge2, releasedMs, TimeUnit.NANOSECONDS.toMillis(back.packets(LivePlayer.VIDEO, asked)
                .get(0).arrivalNanos() - asked));

        // edge 1: the RTMP player of the failover test still plays; the registry hears of it, then of three more
        await(Duration.ofSeconds(20), edge1 + " reports 1 viewer to the registry (the player of the failover test)",
                () -> viewersInRegistry(edge2, edge1) == 1);
        List<LivePlayer> three = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            LivePlayer p = LivePlayer.play(dir, edge1.rtmpUrl());
            cluster.players.add(p);
            three.add(p);
        }
        await(Duration.ofSeconds(20), "three more players on " + edge1 + " play", () -> three.stream()
                .allMatch(p -> !p.isAlive() || !p.packets(LivePlayer.VIDEO, started).isEmpty()));
        await(Duration.ofSeconds(10), edge1 + " reports 4 viewers to the registry",
                () -> viewersInRegistry(edge2, edge1) == 4);
        System.out.printf("viewers: %s reports %d to the registry with 4 RTMP players (read on %s) %d ms after they "
                + "started%n", edge1, viewersInRegistry(edge2, edge1), edge2,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        for (LivePlayer p : three) {
            p.close();
        }
        cluster.players.removeAll(three);
        await(Duration.ofSeconds(10), edge1 + " reports 1 viewer again", () -> viewersInRegistry(edge2, edge1) == 1);
    }

    /** The viewers {@code node} reported in its latest heartbeat, as the registry has them, read through {@code via}. */
    private static int viewersInRegistry(Node via, Node node) {
        return tryJson(via.httpPort(), "/rest/v2/cluster/nodes").flatMap(b -> b.getList("nodes", Document.class)
                .stream().filter(n -> node.id().equals(n.getString("id"))).findFirst())
                .map(n -> n.getInteger("viewers", -1)).orElse(-1);
    }

    private static final Pattern VIEWERS = Pattern.compile(", (\\d+) viewer\\(s\\)");

    /** The viewers an edge-relay health message gives for its first stream. */
    private static int viewersIn(String health) {
        Matcher m = VIEWERS.matcher(health);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    // ---- the relay protocol, by hand ----

    /** HELLO: {@code version:u16 edgeId:str token:str}. */
    private static byte[] hello(String edgeId, String token) {
        return frame(HELLO, out -> {
            out.writeShort(PROTOCOL_VERSION);
            writeString(out, edgeId);
            writeString(out, token);
        });
    }

    /** A HELLO whose body stops after the edge id. */
    private static byte[] truncatedHello(String edgeId) {
        return frame(HELLO, out -> {
            out.writeShort(PROTOCOL_VERSION);
            writeString(out, edgeId);
        });
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** {@code length:u32 type:u8 body}, length counting type and body. */
    private static byte[] frame(int type, Body body) {
        try {
            ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
            body.write(new DataOutputStream(bodyBytes));
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(frame);
            out.writeInt(1 + bodyBytes.size());
            out.writeByte(type);
            bodyBytes.writeTo(out);
            return frame.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    /**
     * A relay token as the spec defines it: {@code v1.<edge id b64url>.<issued ms>.<b64url HMAC-SHA256 of
     * "v1|<edge id>|<issued ms>">}.
     */
    private static String token(byte[] secret, String edgeId, long issuedMs) throws GeneralSecurityException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        byte[] signature = mac.doFinal(("v1|" + edgeId + "|" + issuedMs).getBytes(StandardCharsets.UTF_8));
        return "v1." + b64.encodeToString(edgeId.getBytes(StandardCharsets.UTF_8)) + "." + issuedMs + "."
                + b64.encodeToString(signature);
    }

    /** One frame from the origin. */
    private record Frame(int type, byte[] body) {
        static Frame read(DataInputStream in) throws IOException {
            long length = Integer.toUnsignedLong(in.readInt());
            if (length < 1 || length > 4096) {
                throw new AssertionError("frame length " + length + " from the origin, expected a short answer");
            }
            int type = in.readUnsignedByte();
            byte[] body = in.readNBytes((int) length - 1);
            if (body.length != length - 1) {
                throw new AssertionError("frame of type " + type + " cut after " + body.length + " of " + (length - 1)
                        + " body bytes");
            }
            return new Frame(type, body);
        }

        /** The body as one {@code str} (REFUSED), all of it. */
        String string() {
            int length = (body[0] & 0xff) << 8 | body[1] & 0xff;
            assertThat(body.length).as("REFUSED body: a str of %d bytes and nothing after", length)
                    .isEqualTo(2 + length);
            return new String(body, 2, length, StandardCharsets.UTF_8);
        }

        /** WELCOME's {@code version:u16 originId:str} as "version originId". */
        String welcome() {
            int version = (body[0] & 0xff) << 8 | body[1] & 0xff;
            int length = (body[2] & 0xff) << 8 | body[3] & 0xff;
            assertThat(body.length).as("WELCOME body").isEqualTo(4 + length);
            return version + " " + new String(body, 4, length, StandardCharsets.UTF_8);
        }
    }

    /** How the origin ended the connection after its answer ("end of stream", "reset"), or null if it did not. */
    private static String closedBy(DataInputStream in) throws IOException {
        try {
            int next = in.read();
            return next < 0 ? "end of stream" : null;
        } catch (SocketTimeoutException e) {
            return null;
        } catch (SocketException e) {
            return "reset (" + e.getMessage() + ")";
        }
    }

    // ---- what the origin says ----

    /** The origin's {@code relay} health message, parsed. */
    private record RelayHealth(String address, int connections, Map<String, List<String>> edges,
            int streamsRelayed, int refused) {
        static RelayHealth parse(String message) {
            Matcher m = RELAY.matcher(message);
            if (!m.matches()) {
                throw new AssertionError("the relay check does not read as expected: " + message);
            }
            Map<String, List<String>> edges = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher e = RELAY_EDGE.matcher(m.group(3));
                while (e.find()) {
                    if (edges.put(e.group(1), e.group(2).isEmpty() ? List.of()
                            : List.of(e.group(2).split(", "))) != null) {
                        // a second connection from the same edge: keep it visible in the assertion
                        edges.put(e.group(1) + " (again)", List.of(e.group(2)));
                    }
                }
            }
            return new RelayHealth(m.group(1), Integer.parseInt(m.group(2)), edges, Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)));
        }
    }

    /** Established TCP connections whose remote end is {@code port} on this machine (/proc/net/tcp and tcp6). */
    private static int establishedTo(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ...; 01 is ESTABLISHED
                if (f.length > 3 && f[2].endsWith(hexPort) && f[3].equals("01")) {
                    count++;
                }
            }
        }
        return count;
    }

    // ---- HLS playlists ----

    private record Segment(long sequence, String duration, String uri) {
    }

    private record Playlist(String text, int targetDuration, long mediaSequence, long discontinuitySequence,
            List<Segment> segments) {
        static Playlist parse(String text) {
            int target = -1;
            long media = -1;
            long discontinuity = 0;
            List<Segment> segments = new ArrayList<>();
            String duration = null;
            for (String line : text.split("\n")) {
                if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                    target = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    media = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                    discontinuity = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("#EXTINF:")) {
                    duration = line.substring("#EXTINF:".length());
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    if (duration == null || media < 0) {
                        throw new AssertionError("segment " + line + " without EXTINF or media sequence in:\n" + text);
                    }
                    segments.add(new Segment(media + segments.size(), duration, line.trim()));
                    duration = null;
                }
            }
            if (target < 0 || media < 0 || segments.isEmpty()) {
                throw new AssertionError("not a live media playlist with segments:\n" + text);
            }
            return new Playlist(text, target, media, discontinuity, List.copyOf(segments));
        }

        long lastSequence() {
            return mediaSequence + segments.size() - 1;
        }

        /** As many segments as the window holds (the default 6): the node's first segment has left it. */
        boolean full() {
            return segments.size() >= WINDOW;
        }

        /** The first segment the node made for the stream, still listed. */
        boolean isFirstOfNode(Segment s) {
            return !full() && s.sequence() == mediaSequence;
        }

        String range() {
            return mediaSequence + ".." + lastSequence() + " " + segments.stream()
                    .map(s -> s.uri() + " " + s.duration()).toList();
        }
    }

    // ---- helpers ----

    private static HttpResponse<String> get(String url, Duration timeout) throws IOException, InterruptedException {
        return HTTP.send(Appliance.asOperator(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int countMatches(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The parsed answer when the node answers 200, else empty (not up yet, joining). */
    private static Optional<Document> tryJson(int port, String path) {
        try {
            HttpResponse<String> r = get("http://127.0.0.1:" + port + path, Duration.ofSeconds(5));
            return r.statusCode() == 200 ? Optional.of(Document.parse(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
