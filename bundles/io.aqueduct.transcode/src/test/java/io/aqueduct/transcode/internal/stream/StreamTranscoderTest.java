package io.aqueduct.transcode.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionOptions;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.ffmpeg.FfmpegCapabilities;
import io.aqueduct.transcode.internal.ladder.Ladder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream through the real hub and the real FFmpeg (CPU path), its renditions read back from the hub. */
class StreamTranscoderTest {
    private static final StreamKey SOURCE = StreamKey.of("live", "src");
    private static final CompletableFuture<FfmpegCapabilities> CPU = CompletableFuture.completedFuture(
            new FfmpegCapabilities("test", List.of("libx264", "libopenh264"), false, false, "none (test)"));
    @TempDir
    static Path dir;
    private static List<MediaPacket> hd;

    private final DefaultStreamHub hub = new DefaultStreamHub();
    private final Renditions renditions = new Renditions();
    private final List<StreamTranscoder> transcoders = new ArrayList<>();

    @BeforeAll
    static void source() throws Exception {
        hd = MediaFile.read(MediaFile.make(dir, "hd", "1280x720", 4, 30, true, true));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (StreamTranscoder t : transcoders) {
            t.stop();
            assertThat(t.join(10_000)).isTrue();
        }
        renditions.close();
    }

    private static TranscodeSettings settings(long maxLagMillis) {
        return new TranscodeSettings(Ladder.parse(Ladder.DEFAULT), "libx264", "ultrafast", false, maxLagMillis, 4000,
                "bicubic");
    }

    /** Starts a transcoder of SOURCE, publishes the packets once it is subscribed, ends the stream, waits. */
    private StreamTranscoder transcode(TranscodeSettings settings, List<List<MediaPacket>> parts) throws Exception {
        hub.addListener(renditions);
        Publication publication = hub.publish(SOURCE);
        StreamTranscoder t = new StreamTranscoder(SOURCE, settings, hub, CPU, null);
        transcoders.add(t);
        t.start();
        await(() -> hub.stream(SOURCE).map(s -> s.subscribers() == 1).orElse(false));
        for (List<MediaPacket> part : parts) {
            for (MediaPacket p : part) {
                publication.send(p.retain());
            }
        }
        publication.close();
        assertThat(t.join(60_000)).as("the transcoder finishes after the source ends").isTrue();
        return t;
    }

    @Test
    void a720pSourceBecomesThreeRenditionsWithKeyframesAtTheSourcesKeyframes() throws Exception {
        StreamTranscoder t = transcode(settings(60_000), List.of(hd));
        TranscodeStatus status = t.status();
        System.out.println(status.describe());
        assertThat(status.state()).isEqualTo("ended");
        long sourceFrames = hd.stream().filter(p -> p.mediaType() == MediaType.VIDEO).count();
        List<Long> sourceKeys = hd.stream().filter(MediaPacket::isVideoKeyframe).map(MediaPacket::pts).toList();
        assertThat(sourceKeys).hasSize(4);
        assertThat(status.framesDecoded()).isEqualTo(sourceFrames);
        assertThat(status.decodeErrors()).isZero();
        assertThat(renditions.keys()).containsExactlyInAnyOrder("live/src_720p", "live/src_480p", "live/src_240p");
        assertThat(renditions.renditionOf()).as("each rendition is published as one of the source")
                .containsOnlyKeys(renditions.keys()).allSatisfy((k, source) -> assertThat(source).isEqualTo(SOURCE));
        int[][] sizes = {{1280, 720}, {854, 480}, {426, 240}};
        String[] names = {"live/src_720p", "live/src_480p", "live/src_240p"};
        long sourceAudio = hd.stream().filter(p -> p.mediaType() == MediaType.AUDIO).count();
        for (int i = 0; i < names.length; i++) {
            List<Seen> video = renditions.video(names[i]);
            assertThat(video).as(names[i]).hasSize((int) sourceFrames);
            assertThat(video.get(0).key).as("%s starts with a keyframe", names[i]).isTrue();
            assertThat(video.get(0).track.width()).isEqualTo(sizes[i][0]);
            assertThat(video.get(0).track.height()).isEqualTo(sizes[i][1]);
            assertThat(video.stream().filter(s -> s.key).map(s -> s.pts).toList()).as("%s keyframes", names[i])
                    .isEqualTo(sourceKeys);
            List<Seen> audio = renditions.audio(names[i]);
            assertThat(audio.size()).as("%s audio packets", names[i]).isBetween((int) sourceAudio - 3,
                    (int) sourceAudio + 1);
        }
        Track copied = renditions.audio("live/src_480p").get(0).track;
        assertThat(copied).as("480p passes the audio through").isEqualTo(hd.stream()
                .filter(p -> p.mediaType() == MediaType.AUDIO).findFirst().orElseThrow().track());
        Track reencoded = renditions.audio("live/src_240p").get(0).track;
        assertThat(reencoded.codec()).isEqualTo(Codec.AAC);
        assertThat(reencoded.bitrate()).isEqualTo(64_000);
        assertThat(reencoded.sampleRate()).isEqualTo(48_000);
        assertThat(reencoded.config()).isNotEmpty();
        double copiedBytes = renditions.audio("live/src_720p").stream().mapToInt(Seen::size).average().orElse(0);
        double reencodedBytes = renditions.audio("live/src_240p").stream().mapToInt(Seen::size).average().orElse(0);
        assertThat(reencodedBytes).as("64 kb/s AAC packets against the source's 128 kb/s")
                .isLessThan(copiedBytes * 0.7);
        // interleaved: no audio packet of a rendition comes more than the hold time before the video reaches it
        assertThat(renditions.maxAudioLead("live/src_720p")).isLessThanOrEqualTo(1_000_000);
    }

    @Test
    void openh264MakesTheSameLadderWithTheSameKeyframes() throws Exception {
        TranscodeSettings openh264 = new TranscodeSettings(Ladder.parse("480p:1000k, 240p:300k"), "libopenh264",
                "veryfast", false, 60_000, 4000, "bilinear");
        StreamTranscoder t = transcode(openh264, List.of(hd));
        System.out.println("openh264: " + t.status().describe());
        assertThat(t.status().path()).endsWith("encode libopenh264");
        List<Long> sourceKeys = hd.stream().filter(MediaPacket::isVideoKeyframe).map(MediaPacket::pts).toList();
        for (String name : List.of("live/src_480p", "live/src_240p")) {
            List<Seen> video = renditions.video(name);
            assertThat(video).as(name).hasSize((int) hd.stream().filter(p -> p.mediaType() == MediaType.VIDEO)
                    .count());
            assertThat(video.stream().filter(s -> s.key).map(s -> s.pts).toList()).as("%s keyframes", name)
                    .isEqualTo(sourceKeys);
            assertThat(io.aqueduct.api.codec.AvcDecoderConfig.parse(video.get(0).track.config()).first().height())
                    .isEqualTo(name.endsWith("480p") ? 480 : 240);
        }
    }

    @Test
    void opusAudioIsReencodedToAacEvenWhereTheLadderSaysCopy() throws Exception {
        List<MediaPacket> opus = MediaFile.read(MediaFile.make(dir, "opus", "640x360", 2, 30, true, "libopus"));
        assertThat(opus.stream().filter(p -> p.mediaType() == MediaType.AUDIO).findFirst().orElseThrow().track()
                .codec()).isEqualTo(Codec.OPUS);
        StreamTranscoder t = transcode(new TranscodeSettings(Ladder.parse("360p:800k:copy, 240p:300k:64k"), "libx264",
                "ultrafast", false, 60_000, 4000, "bicubic"), List.of(opus));
        assertThat(t.status().hubSkips()).isZero();
        Track copied = renditions.audio("live/src_360p").get(0).track;
        assertThat(copied.codec()).as("360p says copy: Opus becomes AAC").isEqualTo(Codec.AAC);
        assertThat(copied.bitrate()).isEqualTo(128_000);
        Track asked = renditions.audio("live/src_240p").get(0).track;
        assertThat(asked.codec()).isEqualTo(Codec.AAC);
        assertThat(asked.bitrate()).as("240p asks for 64k").isEqualTo(64_000);
        assertThat(renditions.audio("live/src_240p").size()).as("about 2 s of 1024-sample frames at 48 kHz")
                .isBetween(75, 100);
        opus.forEach(MediaPacket::release);
    }

    @Test
    void mp3AudioIsReencodedFromWhatItsFramesSay() throws Exception {
        // as RTMP ingest makes it: MP3 with no configuration, its rate and channels from the FLV flags
        List<MediaPacket> mp3 = MediaFile.read(MediaFile.make(dir, "mp3", "640x360", 2, 30, true, "libmp3lame"));
        List<MediaPacket> labelled = mp3.stream().map(p -> p.mediaType() != MediaType.AUDIO ? p
                : MediaPacket.of(Track.audio(1, Codec.MP3).audio(44_100, 2).build(), p.dts(), p.pts(), true,
                        p.content().retain())).toList();
        StreamTranscoder t = transcode(settings(60_000), List.of(labelled));
        System.out.println("mp3: " + t.status().describe());
        Track audio = renditions.audio("live/src_240p").get(0).track;
        assertThat(audio.codec()).isEqualTo(Codec.AAC);
        int rate = mp3.stream().filter(p -> p.mediaType() == MediaType.AUDIO).findFirst().orElseThrow().track()
                .sampleRate();
        assertThat(audio.sampleRate()).as("the frames' rate").isEqualTo(rate);
        assertThat(audio.channels()).as("the frames' channels (a mono tone), not the label's 2").isEqualTo(1);
        assertThat(renditions.audio("live/src_240p").size()).as("2 s in 1024-sample frames")
                .isBetween(rate * 2 / 1024 - 10, rate * 2 / 1024 + 3);
        assertThat(t.status().decodeErrors()).isZero();
        labelled.stream().filter(p -> p.mediaType() == MediaType.AUDIO).forEach(MediaPacket::release);
        mp3.forEach(MediaPacket::release);
    }

    @Test
    void renditionsSomeoneElsePublishesFailTheLadderWithTheReasonAndLeakNothing() throws Exception {
        try (Publication squatter = hub.publish(StreamKey.of("live", "src_240p"))) {
            StreamTranscoder t = transcode(settings(60_000), List.of(hd));
            assertThat(t.status().state()).isEqualTo("failed");
            assertThat(t.status().message()).contains("live/src_240p (someone else publishes it)");
            assertThat(hub.stream(StreamKey.of("live", "src_720p"))).as("the others were ended again").isEmpty();
        }
    }

    @Test
    void aSourceSmallerThanTheLadderGetsOnlyTheRenditionsBelowIt() throws Exception {
        List<MediaPacket> small = MediaFile.read(MediaFile.make(dir, "small", "320x240", 1, 30, true, false));
        StreamTranscoder t = transcode(settings(60_000), List.of(small));
        assertThat(renditions.keys()).containsExactly("live/src_240p");
        assertThat(renditions.video("live/src_240p").get(0).track.width()).isEqualTo(320);
        assertThat(renditions.audio("live/src_240p")).as("a video-only source").isEmpty();
        assertThat(t.status().state()).isEqualTo("ended");
        small.forEach(MediaPacket::release);
    }

    @Test
    void anAudioOnlySourceWaitsForVideoAndPublishesNothing() throws Exception {
        List<MediaPacket> tone = MediaFile.read(MediaFile.make(dir, "tone", null, 2, 30, false, true));
        hub.addListener(renditions);
        Publication publication = hub.publish(SOURCE);
        StreamTranscoder t = new StreamTranscoder(SOURCE, settings(60_000), hub, CPU, null);
        transcoders.add(t);
        t.start();
        await(() -> hub.stream(SOURCE).map(s -> s.subscribers() == 1).orElse(false));
        tone.forEach(p -> publication.send(p.retain()));
        await(() -> hub.stream(SOURCE).map(s -> s.packetsIn() == tone.size()).orElse(false));
        Thread.sleep(200);
        assertThat(t.status().state()).isEqualTo("waiting for video");
        publication.close();
        assertThat(t.join(10_000)).isTrue();
        assertThat(renditions.keys()).isEmpty();
        tone.forEach(MediaPacket::release);
    }

    @Test
    void corruptH264IsCountedAndTheRenditionsGoOn() throws Exception {
        List<MediaPacket> damaged = new ArrayList<>();
        int n = 0;
        for (MediaPacket p : hd) {
            if (p.mediaType() == MediaType.VIDEO && !p.isKeyframe() && n++ % 5 == 0) {
                byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(p.content());
                for (int i = 6; i < bytes.length; i += 7) {
                    bytes[i] ^= (byte) 0x5a; // inside the NAL unit, after its length and header
                }
                damaged.add(MediaPacket.of(p.track(), p.dts(), p.pts(), false,
                        io.netty.buffer.Unpooled.wrappedBuffer(bytes)));
            } else {
                damaged.add(p.retain());
            }
        }
        StreamTranscoder t = transcode(settings(60_000), List.of(damaged));
        TranscodeStatus status = t.status();
        System.out.println("corrupt: " + status.describe());
        assertThat(status.state()).isEqualTo("ended");
        assertThat(status.decodeErrors()).isPositive();
        long sourceFrames = hd.stream().filter(p -> p.mediaType() == MediaType.VIDEO).count();
        assertThat(renditions.video("live/src_240p").size()).isGreaterThan((int) (sourceFrames * 0.7));
        damaged.forEach(MediaPacket::release);
    }

    @Test
    void behindTheSourceItDropsFramesBetweenKeyframesAndKeepsTheKeyframesAligned() throws Exception {
        StreamTranscoder t = transcode(settings(100), List.of(hd));
        TranscodeStatus status = t.status();
        System.out.println("behind: " + status.describe());
        assertThat(status.framesDropped()).isPositive();
        List<Long> keys720 = renditions.video("live/src_720p").stream().filter(s -> s.key).map(s -> s.pts).toList();
        assertThat(renditions.video("live/src_240p").stream().filter(s -> s.key).map(s -> s.pts).toList())
                .isEqualTo(keys720);
        assertThat(renditions.video("live/src_720p")).hasSize((int) (status.framesDecoded() - status.framesDropped()));
    }

    @Test
    void aNewSizeMidStreamRestartsTheLadderForIt() throws Exception {
        List<MediaPacket> small = MediaFile.read(MediaFile.make(dir, "small2", "640x360", 1, 30, true, false));
        long shift = small.get(small.size() - 1).dts() + 33_333;
        List<MediaPacket> later = hd.stream().filter(p -> p.mediaType() == MediaType.VIDEO)
                .map(p -> p.retain().shifted(shift, false)).toList();
        StreamTranscoder t = transcode(settings(60_000), List.of(small, later));
        assertThat(renditions.starts("live/src_240p")).as("240p: for 360p, then again for 720p").isEqualTo(2);
        assertThat(renditions.starts("live/src_720p")).isEqualTo(1);
        List<Seen> low = renditions.video("live/src_240p");
        assertThat(low.get(0).track.width()).isEqualTo(426);
        assertThat(low.get(low.size() - 1).track.width()).isEqualTo(426);
        assertThat(renditions.video("live/src_720p").get(0).pts).as("720p starts at the first 720p frame")
                .isEqualTo(later.get(0).pts());
        assertThat(t.status().state()).isEqualTo("ended");
        small.forEach(MediaPacket::release);
        later.forEach(MediaPacket::release);
    }

    @Test
    void theFrameRateIsMeasuredFromMillisecondTimestampsAndRoundedToTheNearestCommonRate() {
        assertThat(rate(0, 33, 67, 100, 133, 167, 200, 233, 267, 300, 333, 367, 400)).isEqualTo("30/1");
        assertThat(rate(0, 42, 83, 125, 167, 209, 250)).isEqualTo("24/1");
        assertThat(rate(0, 33, 67, 100, 133, 167, 200, 234, 267, 300, 334, 367, 401)).as("12 frames: 30 or 29.97")
                .isEqualTo("30/1");
        long[] ntsc = new long[101];
        for (int i = 0; i < ntsc.length; i++) {
            ntsc[i] = Math.round(i * 1001 / 30.0);
        }
        assertThat(rate(ntsc)).as("100 frames of 29.97 fps").isEqualTo("30000/1001");
        assertThat(rate(0, 20, 40, 60)).isEqualTo("50/1");
        assertThat(rate(0, 100, 200)).isEqualTo("10/1");
        assertThat(rate(0)).as("one frame: a guess").isEqualTo("30/1");
    }

    private static String rate(long... millis) {
        List<MediaPacket> packets = new ArrayList<>();
        Track t = Track.video(0, Codec.H264).build();
        for (long ms : millis) {
            packets.add(MediaPacket.of(t, ms * 1000, ms * 1000, false, io.netty.buffer.Unpooled.EMPTY_BUFFER));
        }
        org.bytedeco.ffmpeg.avutil.AVRational r = StreamTranscoder.measureFrameRate(packets);
        return r.num() + "/" + r.den();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private record Seen(Track track, long dts, long pts, boolean key, int size) {
        boolean isAudio() {
            return track.mediaType() == MediaType.AUDIO;
        }
    }

    /** Subscribes to every rendition that starts and writes down what it carries. */
    private final class Renditions implements StreamLifecycleListener {
        private final Map<String, StreamKey> renditionOf = new ConcurrentHashMap<>();
        private final Map<String, List<Seen>> video = new ConcurrentHashMap<>();
        private final Map<String, List<Seen>> audio = new ConcurrentHashMap<>();
        private final Map<String, List<Seen>> all = new ConcurrentHashMap<>();
        private final Map<String, Integer> starts = new ConcurrentHashMap<>();
        private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

        @Override
        public void streamStarted(StreamKey key) {
            Optional<StreamKey> source = hub.stream(key).flatMap(StreamInfo::renditionOf);
            if (source.isEmpty()) {
                return;
            }
            renditionOf.put(key.toString(), source.get());
            starts.merge(key.toString(), 1, Integer::sum);
            hub.subscribe(key, SubscriptionOptions.DEFAULTS.withMaxQueueMicros(600_000_000L), s -> {
                MediaPacket p;
                while ((p = s.poll()) != null) {
                    Seen seen = new Seen(p.track(), p.dts(), p.pts(), p.isVideoKeyframe(), p.size());
                    (p.mediaType() == MediaType.VIDEO ? video : audio)
                            .computeIfAbsent(key.toString(), k -> new CopyOnWriteArrayList<>()).add(seen);
                    all.computeIfAbsent(key.toString(), k -> new CopyOnWriteArrayList<>()).add(seen);
                    p.release();
                }
            }).ifPresent(subscriptions::add);
        }

        /** The source each rendition's publication named. */
        Map<String, StreamKey> renditionOf() {
            return renditionOf;
        }

        List<String> keys() {
            return new ArrayList<>(starts.keySet());
        }

        int starts(String key) {
            return starts.getOrDefault(key, 0);
        }

        List<Seen> video(String key) {
            return video.getOrDefault(key, List.of());
        }

        List<Seen> audio(String key) {
            return audio.getOrDefault(key, List.of());
        }

        /** The most an audio packet's timestamp ran ahead of the newest video timestamp before it. */
        long maxAudioLead(String key) {
            long newestVideo = Long.MIN_VALUE;
            long lead = Long.MIN_VALUE;
            for (Seen s : all.getOrDefault(key, List.of())) {
                if (!s.isAudio()) {
                    newestVideo = Math.max(newestVideo, s.dts());
                } else if (newestVideo != Long.MIN_VALUE) {
                    lead = Math.max(lead, s.dts() - newestVideo);
                }
            }
            assertThat(lead).as("%s carries audio after video", key).isNotEqualTo(Long.MIN_VALUE);
            return lead;
        }

        void close() {
            subscriptions.forEach(Subscription::close);
        }
    }
}
