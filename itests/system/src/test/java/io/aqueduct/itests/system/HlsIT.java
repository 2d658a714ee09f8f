package io.aqueduct.itests.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * HLS and LL-HLS of the appliance, checked with clients nobody here wrote: ffmpeg publishes over RTMP, ffprobe reads
 * the playlists back over HTTP and the MP4 recordings from disk; blocking reloads and bad requests go over plain
 * HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HlsIT {
    /** A keyframe every 2 s at 30 fps: the target duration. */
    private static final int GOP = 60;
    private static final String LIVE = "live/ll";
    private static final int MAX_BLOCKED = 300;
    private static final Duration GRACE = Duration.ofSeconds(8);
    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"(\\d+)\\.(\\d+)\\.m4s\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;

    private Appliance node;
    private int port;
    private Ffmpeg.Run live;

    @BeforeAll
    void start() throws Exception {
        port = Appliance.freePort();
        node = Appliance.copyDistribution(port);
        node.setConfig("io.aqueduct.hls.cfg", "max.blocked.requests", Integer.toString(MAX_BLOCKED));
        node.setConfig("io.aqueduct.hls.cfg", "grace.ms", Long.toString(GRACE.toMillis()));
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        assertThat(r.exitCode()).as("bin/aqueduct start: %s", r.output()).isZero();
        live = Ffmpeg.publishTestSource(dir, node.rtmpUrl(LIVE), "640x360", 120, GOP);
        awaitPlaylist(LIVE, "ll.m3u8", body -> body.contains("#EXTINF"));
    }

    @AfterAll
    void stop() throws Exception {
        try (Appliance n = node) {
            if (live != null) {
                live.process().destroy();
            }
        }
    }

    /** As the operator: the REST reads need the login, and the playlists do not mind it. */
    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(Appliance.asOperator(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitPlaylist(String stream, String playlist, java.util.function.Predicate<String> ready)
            throws InterruptedException {
        Appliance.await(Duration.ofSeconds(30), stream + "/" + playlist + " ready", () -> {
            try {
                HttpResponse<String> r = get("/" + stream + "/" + playlist);
                return r.statusCode() == 200 && ready.test(r.body());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    @Test
    void ffmpegReadsTheWholeStreamBackFromBothPlaylists() throws Exception {
        String stream = "live/vod";
        Ffmpeg.Run publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl(stream), "640x360", 10, GOP);
        assertThat(publisher.process().waitFor()).as("ffmpeg publish").isZero();
        awaitPlaylist(stream, "index.m3u8", body -> body.contains("#EXT-X-ENDLIST"));
        for (String playlist : List.of("index.m3u8", "ll.m3u8")) {
            String url = "http://127.0.0.1:" + port + "/" + stream + "/" + playlist;
            Ffmpeg.Probe probe = Ffmpeg.probe(url);
            assertThat(probe.stream("video").codec()).as(playlist).isEqualTo("h264");
            assertThat(probe.stream("video").width()).isEqualTo(640);
            assertThat(probe.stream("video").height()).isEqualTo(360);
            assertThat(probe.stream("audio").codec()).isEqualTo("aac");
            // every frame ffmpeg sent, from the first keyframe on
            assertThat(probe.stream("video").frames()).as(playlist + " video frames").isEqualTo(300);
            assertThat(probe.duration()).as(playlist + " duration").isBetween(9.9, 10.2);
            assertContinuous(playlist + " video", Ffmpeg.packetTimes(url, "v"), 1 / 30.0);
            assertContinuous(playlist + " audio", Ffmpeg.packetTimes(url, "a"), 1024 / 44100.0);
        }
        // after the grace period the ended stream's memory is freed
        Appliance.await(GRACE.plusSeconds(10), stream + " removed after the grace period",
                () -> Appliance.unchecked(() -> get("/" + stream + "/index.m3u8").statusCode()) == 404);
        assertThat(get("/rest/v2/hls/streams").body()).doesNotContain(stream);
    }

    /**
     * Renditions are what a publisher declares (the transcoder: TranscodeIT), never guessed from a name: a user's
     * stream named like a rendition of another is a stream of its own, in no one else's master playlist.
     */
    @Test
    void aUserStreamNamedLikeARenditionIsAStreamOfItsOwn() throws Exception {
        Ffmpeg.Run high = Ffmpeg.publishTestSource(dir, node.rtmpUrl("live/multi"), "640x360", 12, GOP);
        Ffmpeg.Run low = Ffmpeg.publishTestSource(dir, node.rtmpUrl("live/multi_240p"), "426x240", 12, GOP);
        try {
            awaitPlaylist("live/multi", "index.m3u8", body -> body.contains("#EXTINF"));
            awaitPlaylist("live/multi_240p", "index.m3u8", body -> body.contains("#EXTINF"));
            String master = get("/live/multi/master.m3u8").body();
            assertThat(master).startsWith("#EXTM3U\n").containsPattern(
                    "#EXT-X-STREAM-INF:BANDWIDTH=\\d+,AVERAGE-BANDWIDTH=\\d+,RESOLUTION=640x360,"
                            + "CODECS=\"avc1\\.[0-9a-f]{6},mp4a\\.40\\.2\"\nll\\.m3u8\n")
                    .doesNotContain("multi_240p", "426x240");
            assertThat(master.split("#EXT-X-STREAM-INF").length - 1).as("one variant: the stream itself").isEqualTo(1);
            assertThat(get("/live/multi/ll.m3u8").body()).doesNotContain("#EXT-X-RENDITION-REPORT");
            assertThat(get("/live/multi_240p/master.m3u8").body()).contains("RESOLUTION=426x240,", "\nll.m3u8\n")
                    .doesNotContain("../multi/");
            assertThat(get("/live/multi_240p/ll.m3u8").body()).doesNotContain("#EXT-X-RENDITION-REPORT");
        } finally {
            high.process().destroy();
            low.process().destroy();
        }
    }

    /** Timestamps that only go forward, by about one frame each: no gap and no jump at segment boundaries. */
    private static void assertContinuous(String what, List<Double> times, double frame) {
        assertThat(times).as(what).hasSizeGreaterThan(100);
        for (int i = 1; i < times.size(); i++) {
            double step = times.get(i) - times.get(i - 1);
            assertThat(step).as("%s: step %d from %.4f", what, i, times.get(i - 1)).isBetween(frame * 0.5, frame * 1.6);
        }
    }

    @Test
    void lowLatencyPlaylistHasPartsAndABlockingReloadReturnsWhenTheNextPartExists() throws Exception {
        String playlist = get("/" + LIVE + "/ll.m3u8").body();
        assertThat(playlist).contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=",
                "#EXT-X-PART-INF:PART-TARGET=0.334", "#EXT-X-MAP:URI=\"init-", ",INDEPENDENT=YES");
        assertThat(Pattern.compile("#EXT-X-PART:DURATION=0\\.\\d+,URI=\"\\d+\\.\\d+\\.m4s\"").matcher(playlist)
                .results().count()).isGreaterThan(5);
        int waited = 0;
        for (int i = 0; i < 8; i++) {
            Matcher hint = HINT.matcher(get("/" + LIVE + "/ll.m3u8").body());
            assertThat(hint.find()).isTrue();
            String msn = hint.group(1);
            String part = hint.group(2);
            long start = System.nanoTime();
            HttpResponse<String> r = get("/" + LIVE + "/ll.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + part);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(r.statusCode()).isEqualTo(200);
            // not before: the answer lists the part it was asked for; not late: well within a target duration
            assertThat(r.body()).as("blocking reload for %s.%s", msn, part)
                    .containsPattern("#EXT-X-PART:DURATION=[0-9.]+,URI=\"" + msn + "\\." + part + "\\.m4s\"");
            assertThat(seconds).as("blocking reload for %s.%s took", msn, part).isLessThan(0.8);
            System.out.printf("blocking reload for part %s.%s answered after %.3f s%n", msn, part, seconds);
            if (seconds > 0.05) {
                waited++;
            }
            HttpResponse<byte[]> bytes = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/" + LIVE + "/" + msn + "." + part + ".m4s")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bytes.statusCode()).isEqualTo(200);
            assertThat(bytes.headers().firstValue("Content-Type")).hasValue("video/iso.segment");
            assertThat(new String(bytes.body(), 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("moof");
        }
        // asked for the part that comes next, the requests really waited for it
        assertThat(waited).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aPreloadHintedPartIsServedWhenItExists() throws Exception {
        Matcher hint = HINT.matcher(get("/" + LIVE + "/ll.m3u8").body());
        assertThat(hint.find()).isTrue();
        long start = System.nanoTime();
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + LIVE
                + "/" + hint.group(1) + "." + hint.group(2) + ".m4s")).build(), HttpResponse.BodyHandlers.ofByteArray());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length).isGreaterThan(100);
        assertThat(seconds).isLessThan(0.8);
    }

    @Test
    void aRecordingStartedDuringALiveStreamHasTheRightDuration() throws Exception {
        String stream = "live/rec";
        Ffmpeg.Run publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl(stream), "640x360", 12, GOP);
        awaitPlaylist(stream, "index.m3u8", body -> body.contains("1.ts"));
        node.setConfig("io.aqueduct.recording.cfg", "streams", stream);
        double[] startSeconds = {-1};
        Appliance.await(Duration.ofSeconds(15), "the recording of " + stream + " starts", () -> {
            String json = Appliance.unchecked(() -> get("/rest/v2/recordings").body());
            Matcher m = Pattern.compile("\"stream\":\"" + stream + "\".*?\"startSeconds\":([0-9.]+)").matcher(json);
            if (m.find()) {
                startSeconds[0] = Double.parseDouble(m.group(1));
                return true;
            }
            return false;
        });
        assertThat(publisher.process().waitFor()).as("ffmpeg publish").isZero();
        Appliance.await(Duration.ofSeconds(15), "the recording is finished",
                () -> !Appliance.unchecked(() -> get("/rest/v2/recordings").body()).contains(stream));
        Path recordings = node.home().resolve("data/recordings/live");
        List<Path> files;
        try (Stream<Path> list = Files.list(recordings)) {
            files = list.filter(p -> p.getFileName().toString().matches("rec-\\d{8}-\\d{6}Z\\.mp4")).toList();
        }
        assertThat(files).hasSize(1);
        // started at a keyframe after the first segments, ends with the stream at 12 s
        assertThat(startSeconds[0]).isGreaterThanOrEqualTo(2.0);
        double expected = 12.0 - startSeconds[0];
        Ffmpeg.Probe probe = Ffmpeg.probe(files.get(0));
        assertThat(probe.stream("video").codec()).isEqualTo("h264");
        assertThat(probe.stream("audio").codec()).isEqualTo("aac");
        System.out.printf("recording from %.3f s of the stream: ffprobe says %.3f s, %d video frames%n",
                startSeconds[0], probe.duration(), probe.stream("video").frames());
        assertThat(probe.duration()).as("recording from %.3f s", startSeconds[0])
                .isBetween(expected * 0.95, expected * 1.05);
        assertThat(probe.stream("video").frames()).isEqualTo(Math.round(expected * 30));
    }

    @Test
    void badRequestsGetClearAnswersAndTheNodeKeepsServing() throws Exception {
        assertAnswer(get("/live/nobody/index.m3u8"), 404, "live/nobody is not live");
        assertAnswer(get("/" + LIVE + "/ll.m3u8?_HLS_msn=999999999"), 400, "too far ahead");
        assertAnswer(get("/" + LIVE + "/ll.m3u8?_HLS_msn=-1"), 400, "non-negative");
        assertAnswer(get("/" + LIVE + "/ll.m3u8?_HLS_msn=3&_HLS_part=x"), 400, "non-negative integers");
        assertAnswer(get("/" + LIVE + "/ll.m3u8?_HLS_part=1"), 400, "_HLS_part needs _HLS_msn");
        assertAnswer(get("/" + LIVE + "/99999999.ts"), 404, "not (or no longer) available");
        assertAnswer(get("/" + LIVE + "/0.99999.m4s"), 404, "not (or no longer) available");
        assertAnswer(get("/" + LIVE + "/passwd"), 404, "HLS files are");
        assertAnswer(get("/live/bad%20name/index.m3u8"), 400, "is not valid");
        assertAnswer(get("/a/b/c/d"), 404, "HLS lives at");
        // path traversal, sent as is (HTTP clients would normalize it)
        for (String path : List.of("/live/../../etc/passwd", "/live/ll/..%2f..%2f..%2fetc/passwd",
                "/live/%2e%2e/%2e%2e/etc/passwd")) {
            String status = rawGet(path);
            assertThat(status).as(path).matches("HTTP/1.1 (400|404) .*");
        }
        assertThat(get("/" + LIVE + "/index.m3u8").statusCode()).isEqualTo(200);
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    private static void assertAnswer(HttpResponse<String> r, int status, String message) {
        assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(status);
        assertThat(r.body()).contains(message);
    }

    private String rawGet(String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).doesNotContain("root:");
            return response.lines().findFirst().orElse("");
        }
    }

    @Test
    void thousandsOfBlockedReloadsAreBoundedAndTheNodeKeepsServing() throws Exception {
        Matcher hint = HINT.matcher(get("/" + LIVE + "/ll.m3u8").body());
        assertThat(hint.find()).isTrue();
        long far = Long.parseLong(hint.group(1)) + 2; // allowed, and a few seconds away
        HttpClient many = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            requests.add(many.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + LIVE
                    + "/ll.m3u8?_HLS_msn=" + far + "&client=" + i)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // while they are parked, everyone else is served at once
        Appliance.await(Duration.ofSeconds(10), "requests parked",
                () -> blockedRequests() >= MAX_BLOCKED / 2);
        for (String path : List.of("/" + LIVE + "/index.m3u8", "/" + LIVE + "/ll.m3u8", "/health")) {
            long start = System.nanoTime();
            assertThat(get(path).statusCode()).isEqualTo(200);
            assertThat((System.nanoTime() - start) / 1e9).as(path).isLessThan(1.0);
        }
        assertThat(blockedRequests()).isLessThanOrEqualTo(MAX_BLOCKED);
        int ok = 0;
        int tooMany = 0;
        for (CompletableFuture<HttpResponse<String>> f : requests) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 200) {
                assertThat(r.body()).contains("URI=\"" + far + ".0.m4s\"");
                ok++;
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                tooMany++;
            }
        }
        System.out.printf("2000 blocking reloads for segment %d: %d answered 200 when it came, %d got 429%n", far, ok,
                tooMany);
        assertThat(ok).isBetween(1, MAX_BLOCKED * 2);
        assertThat(tooMany).isGreaterThan(2000 - MAX_BLOCKED * 2);
        Appliance.await(Duration.ofSeconds(5), "every slot given back", () -> blockedRequests() == 0);
    }

    private int blockedRequests() {
        String json = Appliance.unchecked(() -> get("/rest/v2/hls/streams").body());
        Matcher m = Pattern.compile("\"blockedRequests\":(\\d+)").matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
