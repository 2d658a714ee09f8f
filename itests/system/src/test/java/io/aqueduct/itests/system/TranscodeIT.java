package io.aqueduct.itests.system;

import static io.aqueduct.itests.system.Appliance.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
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
 * Transcoding on a standalone node with the default ladder for the application {@code live}, checked with clients
 * nobody here wrote: the ffmpeg CLI publishes over RTMP, ffprobe reads each rendition back over HLS (from the
 * master playlist) and over RTMP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class TranscodeIT {
    /** A keyframe every 2 s at 30 fps. */
    private static final int GOP = 60;
    private static final Pattern VARIANT = Pattern.compile(
            "#EXT-X-STREAM-INF:BANDWIDTH=(\\d+),[^\\n]*RESOLUTION=(\\d+)x(\\d+),CODECS=\"([^\"]+)\"\\n([^\\n]+)");

    @TempDir
    static Path dir;

    private Appliance node;
    private int port;
    private final List<Ffmpeg.Run> publishers = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        port = Appliance.freePort();
        node = Appliance.copyDistribution(port);
        node.writeConfig("io.aqueduct.transcode.ladder-live.cfg", "app = live\n");
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        assertThat(r.exitCode()).as("bin/aqueduct start: %s", r.output()).isZero();
    }

    @AfterAll
    void stop() throws Exception {
        try (Appliance n = node) {
            publishers.forEach(p -> p.process().destroy());
        }
    }

    private Ffmpeg.Run publish(String key, String size, int seconds, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("-re"));
        boolean video = !List.of(extra).contains("-vn");
        boolean audio = !List.of(extra).contains("-an");
        if (video) {
            args.addAll(List.of("-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=30"));
        }
        if (audio) {
            args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"));
        }
        args.addAll(List.of("-t", Integer.toString(seconds)));
        if (video) {
            args.addAll(List.of("-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-g",
                    Integer.toString(GOP)));
        }
        if (audio) {
            args.addAll(List.of("-c:a", "aac"));
        }
        args.addAll(List.of(extra));
        args.addAll(List.of("-f", "flv", node.rtmpUrl(key)));
        Ffmpeg.Run run = Ffmpeg.start(dir, args.toArray(String[]::new));
        publishers.add(run);
        return run;
    }

    /** {@code GET /rest/v2/transcode/streams}, the entry of one source stream, or "" while there is none. */
    private String transcodeStatus(String key) {
        String json = Appliance.unchecked(() -> node.get(port, "/rest/v2/transcode/streams").body());
        int at = json.indexOf("{\"stream\":\"" + key + "\"");
        if (at < 0) {
            return "";
        }
        int end = json.indexOf("{\"stream\":\"", json.indexOf("]", at));
        return end < 0 ? json.substring(at) : json.substring(at, end);
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private String awaitRenditions(String key, String... renditions) throws InterruptedException {
        String[] last = {""};
        try {
            awaitStatus(key, renditions, last);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the last status: " + last[0], e);
        }
        return last[0];
    }

    private void awaitStatus(String key, String[] renditions, String[] last) throws InterruptedException {
        await(Duration.ofSeconds(45), key + " transcoded into " + List.of(renditions), () -> {
            last[0] = transcodeStatus(key);
            if (!last[0].contains("\"state\":\"transcoding\"")) {
                return false;
            }
            for (String r : renditions) {
                if (!last[0].contains("\"stream\":\"" + key + "_" + r + "\"")) {
                    return false;
                }
            }
            return last[0].split("\"framesEncoded\":").length - 1 == renditions.length
                    && number(last[0], "framesEncoded") > 0;
        });
    }

    /** A packet as ffprobe lists it. */
    record Packet(String type, double pts, int size, boolean key) {
    }

    /** What ffprobe reads from a live URL in {@code seconds} of media: the streams' sizes and the packets. */
    record Probe(Map<String, String> streams, List<Packet> packets) {
        List<Packet> video() {
            return packets.stream().filter(p -> p.type().equals("video")).toList();
        }

        /** Video bits per second over the packets read. */
        double videoBitrate() {
            List<Packet> v = video();
            double span = v.get(v.size() - 1).pts() - v.get(0).pts() + 1 / 30.0;
            return v.stream().mapToLong(Packet::size).sum() * 8 / span;
        }
    }

    private static Probe ffprobe(String url, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-rw_timeout", "15000000", "-read_intervals",
                "%+" + seconds, "-show_entries", "stream=index,codec_type,width,height:packet=codec_type,pts_time,"
                + "size,flags", "-of", "compact", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ffprobe %s finished", url).isTrue();
        assertThat(p.exitValue()).as("ffprobe %s: %s", url, out).isZero();
        Map<String, String> streams = new TreeMap<>();
        List<Packet> packets = new ArrayList<>();
        for (String line : out.split("\n")) {
            Map<String, String> f = new TreeMap<>();
            for (String part : line.strip().split("\\|")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    f.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            if (line.startsWith("packet|") && !"N/A".equals(f.get("pts_time"))) {
                packets.add(new Packet(f.get("codec_type"), Double.parseDouble(f.get("pts_time")),
                        Integer.parseInt(f.get("size")), f.getOrDefault("flags", "").startsWith("K")));
            } else if (line.startsWith("stream|")) {
                streams.put(f.get("codec_type"), f.get("codec_type").equals("video")
                        ? f.get("width") + "x" + f.get("height") : "yes");
            }
        }
        return new Probe(streams, packets);
    }

    /** Acceptance 1: three variants in the master playlist, each of its size and bitrate, keyframes aligned. */
    @Test
    @Order(1)
    void a720pPublishBecomesThreeVariantsOfTheRightSizeAndBitrateWithAlignedKeyframes() throws Exception {
        publish("live/cam", "1280x720", 120);
        String status = awaitRenditions("live/cam", "720p", "480p", "240p");
        System.out.println("transcode status: " + status);
        assertThat(status).contains("\"path\":\"cpu: decode FFmpeg h264, scale bicubic, encode libx264\"");
        String health = node.get(port, "/health").body();
        assertThat(health).contains("\"name\":\"transcode-live\"").contains("live/cam: transcoding");

        await(Duration.ofSeconds(30), "every variant has a measured bandwidth", () -> Appliance.unchecked(
                () -> node.get(port, "/live/cam/master.m3u8").body()).split("AVERAGE-BANDWIDTH").length == 5);
        String master = node.get(port, "/live/cam/master.m3u8").body();
        System.out.println(master);
        Map<String, String[]> variants = new TreeMap<>();
        Matcher m = VARIANT.matcher(master);
        while (m.find()) {
            variants.put(m.group(5), new String[] {m.group(1), m.group(2) + "x" + m.group(3), m.group(4)});
        }
        assertThat(variants.keySet()).as("the source and its three renditions").containsExactlyInAnyOrder(
                "../cam_720p/ll.m3u8", "../cam_480p/ll.m3u8", "../cam_240p/ll.m3u8", "ll.m3u8");
        // the renditions are published as renditions of live/cam (not guessed from names): they report each other
        assertThat(node.get(port, "/live/cam/ll.m3u8").body()).contains(
                "#EXT-X-RENDITION-REPORT:URI=\"../cam_720p/ll.m3u8\"",
                "#EXT-X-RENDITION-REPORT:URI=\"../cam_240p/ll.m3u8\"");
        assertThat(node.get(port, "/live/cam_240p/ll.m3u8").body()).contains(
                "#EXT-X-RENDITION-REPORT:URI=\"../cam/ll.m3u8\"",
                "#EXT-X-RENDITION-REPORT:URI=\"../cam_480p/ll.m3u8\"");
        Map<String, String> sizes = Map.of("720p", "1280x720", "480p", "854x480", "240p", "426x240");
        Map<String, Double> targets = Map.of("720p", 2_500_000.0, "480p", 1_200_000.0, "240p", 400_000.0);
        for (String r : sizes.keySet()) {
            String[] v = variants.get("../cam_" + r + "/ll.m3u8");
            assertThat(v[1]).as("RESOLUTION of %s", r).isEqualTo(sizes.get(r));
            assertThat(v[2]).as("CODECS of %s", r).startsWith("avc1.").endsWith(",mp4a.40.2");
        }

        // ffprobe reads each variant, all three at once, over HLS from the master playlist's URIs
        Map<String, CompletableFuture<Probe>> probes = new TreeMap<>();
        for (String r : sizes.keySet()) {
            String url = java.net.URI.create("http://127.0.0.1:" + port + "/live/cam/master.m3u8")
                    .resolve("../cam_" + r + "/ll.m3u8").toString();
            probes.put(r, CompletableFuture.supplyAsync(() -> Appliance.unchecked(() -> ffprobe(url, 8))));
        }
        Map<String, TreeSet<Double>> keyframes = new TreeMap<>();
        double from = 0;
        double to = Double.MAX_VALUE;
        for (String r : sizes.keySet()) {
            Probe p = probes.get(r).get(90, TimeUnit.SECONDS);
            double bitrate = p.videoBitrate();
            List<Packet> video = p.video();
            TreeSet<Double> keys = new TreeSet<>();
            video.stream().filter(Packet::key).forEach(k -> keys.add(Math.round(k.pts() * 1000) / 1000.0));
            keyframes.put(r, keys);
            from = Math.max(from, video.get(0).pts());
            to = Math.min(to, video.get(video.size() - 1).pts());
            System.out.printf("%s over HLS: %s, %d video packets, %.0f kb/s (target %.0f), keyframes at %s%n", r,
                    p.streams(), video.size(), bitrate / 1000, targets.get(r) / 1000, keys);
            assertThat(p.streams().get("video")).as("%s: ffprobe's size", r).isEqualTo(sizes.get(r));
            assertThat(p.streams()).as("%s has audio", r).containsKey("audio");
            assertThat(bitrate).as("%s: video bitrate within 20 %% of %s", r, targets.get(r))
                    .isBetween(targets.get(r) * 0.8, targets.get(r) * 1.2);
        }
        double lo = from;
        double hi = to;
        List<List<Double>> inWindow = keyframes.values().stream()
                .map(k -> k.stream().filter(t -> t >= lo && t <= hi).toList()).toList();
        assertThat(inWindow.get(0)).as("keyframes in the window all three read, %.3f to %.3f s", lo, hi).isNotEmpty();
        assertThat(inWindow).as("keyframes of 240p, 480p and 720p (by name order)").allMatch(inWindow.get(0)::equals);

        // each rendition plays over RTMP
        for (String r : sizes.keySet()) {
            Probe p = ffprobe(node.rtmpUrl("live/cam_" + r), 3);
            System.out.printf("%s over RTMP: %s, %d packets%n", r, p.streams(), p.packets().size());
            assertThat(p.streams().get("video")).as("%s over RTMP", r).isEqualTo(sizes.get(r));
            assertThat(p.video()).as("%s over RTMP: video", r).hasSizeGreaterThan(60);
            assertThat(p.video().get(0).key()).as("%s over RTMP starts at a keyframe", r).isTrue();
        }
        LivePlayer.stop(publishers.remove(0));
    }

    /** Acceptance 2: video only, audio only, and a republish at another size. */
    @Test
    @Order(2)
    void videoOnlyAudioOnlyAndARepublishAtAnotherSizeAreHandled() throws Exception {
        Ffmpeg.Run videoOnly = publish("live/mute", "640x360", 60, "-an");
        Ffmpeg.Run audioOnly = publish("live/radio", null, 60, "-vn");
        String mute = awaitRenditions("live/mute", "240p");
        assertThat(mute).as("360p: only the 240p rendition (never upscaled)").doesNotContain("_480p");
        Probe p = ffprobe(node.rtmpUrl("live/mute_240p"), 3);
        System.out.printf("video only: %s; live/mute_240p over RTMP: %s%n", mute, p.streams());
        assertThat(p.streams()).containsEntry("video", "426x240").doesNotContainKey("audio");

        await(Duration.ofSeconds(20), "the audio-only stream is live and waits for video", () -> transcodeStatus(
                "live/radio").contains("\"state\":\"waiting for video\""));
        Thread.sleep(3000);
        String radio = transcodeStatus("live/radio");
        System.out.println("audio only: " + radio);
        assertThat(radio).contains("\"renditions\":[]");
        Probe sound = ffprobe("http://127.0.0.1:" + port + "/live/radio/index.m3u8", 2);
        assertThat(sound.streams()).as("the audio-only source plays as it is").containsKey("audio")
                .doesNotContainKey("video");
        LivePlayer.stop(videoOnly);
        LivePlayer.stop(audioOnly);

        // a republish at another size: the ladder starts again, for the new size
        Ffmpeg.Run small = publish("live/re", "640x360", 60);
        awaitRenditions("live/re", "240p");
        assertThat(ffprobe(node.rtmpUrl("live/re_240p"), 2).streams()).containsEntry("video", "426x240");
        LivePlayer.stop(small);
        await(Duration.ofSeconds(20), "live/re ended", () -> transcodeStatus("live/re").isEmpty());
        publish("live/re", "1920x1080", 60);
        String big = awaitRenditions("live/re", "720p", "480p", "240p");
        System.out.println("republished at 1080p: " + big);
        Map<String, String> sizes = Map.of("720p", "1280x720", "480p", "854x480", "240p", "426x240");
        for (String r : sizes.keySet()) {
            Probe q = ffprobe(node.rtmpUrl("live/re_" + r), 2);
            assertThat(q.streams()).as("after the republish, %s", r).containsEntry("video", sizes.get(r))
                    .containsKey("audio");
        }
        LivePlayer.stop(publishers.remove(publishers.size() - 1));
    }

    /** Acceptance 3: corrupt H.264 is counted; the node and the other streams go on. */
    @Test
    @Order(3)
    void corruptH264KeepsTheNodeUpAndTheOtherStreamsFlowing() throws Exception {
        publish("live/good", "640x360", 60);
        awaitRenditions("live/good", "240p");
        try (LivePlayer player = LivePlayer.play(dir, node.rtmpUrl("live/good_240p"))) {
            long asked = System.nanoTime();
            await(Duration.ofSeconds(15), "the player of live/good_240p gets video", () -> !player.packets(
                    LivePlayer.VIDEO, asked).isEmpty());
            // the noise bitstream filter flips about one byte in 2000 of every video packet, NAL units included
            publish("live/bad", "640x360", 30, "-bsf:v", "noise=amount=2000");
            long started = System.nanoTime();
            await(Duration.ofSeconds(30), "decode errors counted on live/bad", () -> number(transcodeStatus(
                    "live/bad"), "decodeErrors") > 0);
            Thread.sleep(8000);
            String bad = transcodeStatus("live/bad");
            String good = transcodeStatus("live/good");
            long gap = player.largestVideoGapMillis(started, System.nanoTime());
            System.out.printf("corrupt: %s%nclean beside it: %s%nlive/good_240p over RTMP: largest video gap %d ms "
                    + "while live/bad ran%n", bad, good, gap);
            assertThat(node.process()).as("the node is up").isPresent();
            assertThat(node.get(port, "/health").statusCode()).isEqualTo(200);
            assertThat(bad).as("live/bad: the decode errors are counted and its ladder goes on")
                    .contains("\"state\":\"transcoding\"");
            assertThat(number(bad, "framesEncoded")).isPositive();
            assertThat(good).contains("\"state\":\"transcoding\"").contains("\"decodeErrors\":0");
            assertThat(player.isAlive()).as("the player of the clean stream's rendition").isTrue();
            assertThat(gap).as("the clean rendition keeps flowing").isLessThan(1000);
        }
    }
}
