package io.aqueduct.hls.internal.stream;

import static io.aqueduct.hls.internal.segment.SyntheticStream.packets;
import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.hls.internal.playlist.Segment;
import io.aqueduct.hls.internal.segment.HlsSegmenter;
import io.aqueduct.hls.internal.segment.HlsSettings;
import io.aqueduct.hls.internal.segment.SyntheticStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HlsStreamTest {
    private static final StreamKey KEY = StreamKey.of("live", "cam");
    private final AtomicLong wallClock = new AtomicLong(1_700_000_000_000L);
    private final AtomicLong nanos = new AtomicLong();

    /** A muxer that writes which packets a fragment holds, so tests can read it back. */
    static FragmentMuxer fakeMuxer(Collection<Track> tracks) {
        return new FragmentMuxer() {
            @Override
            public byte[] initSegment() {
                return ("init " + tracks.hashCode()).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] fragment(int sequenceNumber, List<MediaPacket> packets, long endMicros) {
                return ("frag " + sequenceNumber + " " + packets.size()).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String codecs() {
                return "avc1.42c00d,mp4a.40.2";
            }
        };
    }

    private HlsStream stream() {
        return new HlsStream(KEY, HlsSettings.DEFAULTS, HlsStreamTest::fakeMuxer, wallClock::get, nanos::get);
    }

    private final long wallAtZero = wallClock.get();

    /** Feeds packets as a real-time publisher sends them: each arrives when its timestamp says. */
    private void feed(HlsSegmenter segmenter, List<MediaPacket> packets) {
        for (MediaPacket p : packets) {
            nanos.set(p.dts() * 1000);
            wallClock.set(wallAtZero + p.dts() / 1000);
            segmenter.accept(p);
            p.release();
        }
    }

    @Test
    void classicPlaylistSlidesOverTheWindowAndEnds() {
        HlsStream stream = stream();
        HlsSegmenter segmenter = stream.newSegmenter(true);
        feed(segmenter, packets(0, 20_100_000, 30, 60, true, true));
        HlsSnapshot s = stream.snapshot();
        assertThat(s.segments()).hasSize(6 + HlsStream.EXTRA_SEGMENTS);
        assertThat(s.listed()).extracting(Segment::sequenceNumber).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        String playlist = s.classicPlaylist();
        assertThat(playlist).startsWith("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:4\n")
                .contains("#EXTINF:2.000,\n4.ts\n", "#EXTINF:2.000,\n9.ts\n")
                .contains("#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:28.000Z\n#EXTINF:2.000,\n4.ts")
                .doesNotContain("3.ts", "10.ts", "#EXT-X-ENDLIST", "DISCONTINUITY");
        // a complete segment's CMAF bytes are its parts back to back, and the parts are views of them
        Segment nine = s.segment(9);
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (var part : nine.parts()) {
            joined.writeBytes(part.data().toArray());
        }
        assertThat(nine.fmp4().toArray()).isEqualTo(joined.toByteArray());
        assertThat(nine.fmp4Length()).isEqualTo(joined.size());
        // the TS rendering of every complete segment starts with a PAT
        assertThat(s.segment(9).ts().toArray()[0]).isEqualTo((byte) 0x47);
        segmenter.end();
        stream.end();
        assertThat(stream.snapshot().classicPlaylist()).contains("10.ts\n#EXT-X-ENDLIST\n");
    }

    @Test
    void lowLatencyPlaylistListsPartsAndHintsTheNextOne() {
        HlsStream stream = stream();
        HlsSegmenter segmenter = stream.newSegmenter(true);
        feed(segmenter, packets(0, 4_700_000, 30, 60, true, true));
        HlsSnapshot s = stream.snapshot();
        String ll = s.lowLatencyPlaylist(List.of());
        Segment growing = s.growing();
        assertThat(growing.sequenceNumber()).isEqualTo(2);
        assertThat(growing.parts()).hasSize(2);
        assertThat(ll).contains("#EXT-X-VERSION:6\n", "#EXT-X-TARGETDURATION:2\n",
                "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.002,HOLD-BACK=6.000\n",
                "#EXT-X-PART-INF:PART-TARGET=0.33400\n", "#EXT-X-MEDIA-SEQUENCE:0\n",
                "#EXT-X-MAP:URI=\"" + growing.init().name() + "\"\n",
                "#EXT-X-PART:DURATION=0.33333,URI=\"0.0.m4s\",INDEPENDENT=YES\n",
                "#EXT-X-PART:DURATION=0.33333,URI=\"0.1.m4s\"\n",
                "#EXTINF:2.000,\n0.m4s\n",
                "#EXT-X-PART:DURATION=0.33333,URI=\"2.1.m4s\"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"2.2.m4s\"\n");
        assertThat(ll.indexOf("#EXT-X-MAP")).isLessThan(ll.indexOf("0.0.m4s"));
        assertThat(s.lastSequenceNumber()).isEqualTo(2);
        assertThat(s.lastPart()).isEqualTo(1);
        assertThat(new String(s.part(2, 1).data().toArray(), StandardCharsets.UTF_8)).startsWith("frag ");
        segmenter.end();
    }

    @Test
    void blockingReloadWaitsForThePartAndNotLonger() {
        HlsStream stream = stream();
        HlsSegmenter segmenter = stream.newSegmenter(true);
        List<MediaPacket> in = packets(0, 3_000_000, 30, 60, true, true);
        feed(segmenter, in.subList(0, 100));
        HlsSnapshot s = stream.snapshot();
        long msn = s.lastSequenceNumber();
        int next = s.lastPart() + 1;
        AtomicInteger woken = new AtomicInteger();
        assertThat(stream.await(x -> x.has(msn, next), woken::incrementAndGet)).isTrue();
        assertThat(stream.await(x -> x.has(msn, next - 1), woken::incrementAndGet)).isFalse();
        // feed frame by frame: the request wakes with the publish of that part, not before
        for (MediaPacket p : in.subList(100, in.size())) {
            boolean had = stream.snapshot().has(msn, next);
            segmenter.accept(p);
            p.release();
            if (!had && stream.snapshot().has(msn, next)) {
                assertThat(woken.get()).isEqualTo(1);
            } else if (!stream.snapshot().has(msn, next)) {
                assertThat(woken.get()).isZero();
            }
        }
        assertThat(woken.get()).isEqualTo(1);
        assertThat(stream.parked()).isZero();
        // the end answers whoever still waits
        stream.await(x -> x.has(99, 0), woken::incrementAndGet);
        segmenter.end();
        stream.end();
        assertThat(woken.get()).isEqualTo(2);
    }

    @Test
    void aRepublishContinuesThePlaylistAfterADiscontinuity() {
        HlsStream stream = stream();
        HlsSegmenter first = stream.newSegmenter(true);
        feed(first, packets(0, 6_100_000, 30, 60, true, true));
        first.end();
        stream.end();
        assertThat(stream.snapshot().ended()).isTrue();
        // the publisher comes back; its timestamps start from 0 again
        HlsSegmenter second = stream.newSegmenter(true);
        assertThat(stream.snapshot().ended()).isFalse();
        feed(second, packets(0, 4_100_000, 30, 60, true, true));
        HlsSnapshot s = stream.snapshot();
        assertThat(s.segments()).extracting(Segment::sequenceNumber).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(s.segment(4).discontinuity()).isTrue();
        assertThat(s.segment(4).discontinuitySequence()).isEqualTo(1);
        assertThat(s.classicPlaylist()).contains("3.ts\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME");
        String ll = s.lowLatencyPlaylist(List.of());
        assertThat(ll).contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME");
        second.end();
    }

    @Test
    void theDiscontinuitySequenceCountsWhatSlidOut() {
        HlsStream stream = stream();
        HlsSegmenter first = stream.newSegmenter(true);
        feed(first, packets(0, 2_100_000, 30, 60, true, true));
        first.end();
        stream.end();
        HlsSegmenter second = stream.newSegmenter(true);
        feed(second, packets(0, 20_100_000, 30, 60, true, true));
        HlsSnapshot s = stream.snapshot();
        assertThat(s.classicPlaylist()).contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n").doesNotContain(
                "#EXT-X-DISCONTINUITY\n");
        second.end();
    }

    @Test
    void timestampsAcrossThe33BitWrapMakeAContinuousPlaylist() {
        HlsStream stream = stream();
        HlsSegmenter segmenter = stream.newSegmenter(true);
        long wrap = (1L << 33) * 1_000_000 / 90_000;
        long start = (wrap - 4_000_000) / 2_000_000 * 2_000_000;
        feed(segmenter, packets(start, 10_100_000, 30, 60, true, true));
        HlsSnapshot s = stream.snapshot();
        long expectedStart = start;
        for (Segment seg : s.segments()) {
            assertThat(seg.startMicros()).isEqualTo(expectedStart);
            assertThat(seg.durationMicros()).isEqualTo(2_000_000L);
            expectedStart += seg.durationMicros();
        }
        assertThat(s.segments().get(s.segments().size() - 1).startMicros()).isGreaterThan(wrap);
        List<Long> dates = s.segments().stream().map(Segment::programDateTimeMillis).toList();
        for (int i = 1; i < dates.size(); i++) {
            assertThat(dates.get(i) - dates.get(i - 1)).isEqualTo(2000);
        }
        segmenter.end();
    }

    @Test
    void programDateTimeIsWhenTheFirstFrameArrivedEvenIfTheStartWaited() {
        HlsStream stream = stream();
        HlsSegmenter segmenter = stream.newSegmenter(true);
        // video only: the segmenter holds the first keyframe for a second, waiting for audio that never comes
        feed(segmenter, packets(0, 3_000_000, 30, 60, true, false));
        HlsSnapshot s = stream.snapshot();
        assertThat(s.segment(0).programDateTimeMillis()).isEqualTo(wallAtZero);
        assertThat(s.growing().programDateTimeMillis()).isEqualTo(wallAtZero + 2000);
        segmenter.end();
    }

    @Test
    void programDateTimeFollowsThePacketsThatArriveEarliest() {
        HlsStream stream = stream();
        HlsSegmenter segmenter = stream.newSegmenter(true);
        // keyframes are big and arrive 80 ms after their time, everything else on time
        for (MediaPacket p : packets(0, 6_100_000, 30, 60, true, true)) {
            long late = p.isVideoKeyframe() ? 80 : 0;
            nanos.set((p.dts() / 1000 + late) * 1_000_000);
            wallClock.set(wallAtZero + p.dts() / 1000 + late);
            segmenter.accept(p);
            p.release();
        }
        HlsSnapshot s = stream.snapshot();
        // the first segment only knows its keyframe; later ones are dated by the frames that came on time
        assertThat(s.segment(0).programDateTimeMillis()).isEqualTo(wallAtZero + 80);
        assertThat(s.segment(1).programDateTimeMillis()).isEqualTo(wallAtZero + 2000);
        assertThat(s.segment(2).programDateTimeMillis()).isEqualTo(wallAtZero + 4000);
        segmenter.end();
    }

    @Test
    void partLatencyIsMeasuredFromArrivalToPublication() {
        HlsStream stream = stream();
        HlsSegmenter segmenter = stream.newSegmenter(true);
        for (MediaPacket p : packets(0, 3_000_000, 30, 60, true, true)) {
            nanos.set(p.dts() * 1000 + 5_000_000); // frames arrive in real time, 5 ms after capture
            wallClock.set(wallAtZero + p.dts() / 1000 + 5);
            segmenter.accept(p);
            p.release();
        }
        // a part of 10 frames: its first frame waits for the next part's first, ~333 ms; its last one ~33 ms
        assertThat(stream.latency().count()).isGreaterThan(50);
        assertThat(stream.latency().percentile(0.5)).isBetween(100, 200);
        assertThat(stream.latency().percentile(0.99)).isBetween(250, 340);
        segmenter.end();
    }

    @Test
    void hevcIsServedAsCmafOnlyAndUnsupportedAudioIsLeftOutWithAReason() {
        Track hevc = Track.video(0, Codec.H265).config(new byte[] {1}).size(1280, 720).build();
        Track mp3 = Track.audio(1, Codec.MP3).audio(44100, 2).build();
        List<Track> seen = new ArrayList<>();
        HlsStream stream = new HlsStream(KEY, HlsSettings.DEFAULTS, t -> {
            seen.addAll(t);
            return fakeMuxer(t);
        }, wallClock::get, nanos::get);
        HlsSegmenter segmenter = stream.newSegmenter(true);
        for (int n = 0; n < 130; n++) {
            long dts = n * 33_333L;
            MediaPacket v = SyntheticStream.videoFrame(hevc, dts, dts, n % 60 == 0, 100);
            MediaPacket a = SyntheticStream.audioFrame(mp3, dts, 50);
            segmenter.accept(v);
            segmenter.accept(a);
            v.release();
            a.release();
        }
        assertThat(seen).containsExactly(hevc);
        assertThat(stream.hasTs()).isFalse();
        assertThat(stream.problem()).contains("MP3 audio of live/cam is not carried in HLS");
        HlsSnapshot s = stream.snapshot();
        assertThat(s.segments()).hasSize(2);
        assertThat(s.segment(0).ts()).isNull();
        // the fake muxer writes how many packets a fragment got: video only
        assertThat(new String(s.segment(0).parts().get(0).data().toArray(), StandardCharsets.UTF_8)).isEqualTo("frag 1 10");
        segmenter.end();
    }

    @Test
    void aTrackThatCannotBeMuxedIsReportedAndReleased() {
        HlsStream stream = new HlsStream(KEY, HlsSettings.DEFAULTS, t -> {
            throw new IllegalArgumentException("no muxer for you");
        }, wallClock::get, nanos::get);
        HlsSegmenter segmenter = stream.newSegmenter(true);
        feed(segmenter, packets(0, 3_000_000, 30, 60, true, true));
        assertThat(stream.problem()).contains("live/cam", "no muxer for you");
        assertThat(stream.snapshot().segments()).isEmpty();
        segmenter.end();
    }

    @Test
    void segmentsAndPlaylistsGoToDiskWhenAskedAndLeaveWithTheWindow(@TempDir Path root) throws Exception {
        HlsStream stream = new HlsStream(KEY, HlsSettings.DEFAULTS, HlsStreamTest::fakeMuxer, wallClock::get,
                nanos::get, root);
        HlsSegmenter segmenter = stream.newSegmenter(true);
        feed(segmenter, packets(0, 20_100_000, 30, 60, true, true));
        Path dir = root.resolve("live").resolve("cam");
        HlsSnapshot s = stream.snapshot();
        assertThat(Files.readString(dir.resolve("index.m3u8"))).isEqualTo(s.classicPlaylist());
        assertThat(Files.readString(dir.resolve("ll.m3u8"))).contains("#EXTINF:2.000,\n9.m4s\n")
                .doesNotContain("#EXT-X-PRELOAD-HINT", "#EXT-X-PART", "CAN-BLOCK-RELOAD");
        assertThat(Files.readAllBytes(dir.resolve("9.ts"))).isEqualTo(s.segment(9).ts().toArray());
        assertThat(dir.resolve("2.ts")).exists();
        assertThat(dir.resolve("1.ts")).doesNotExist();
        assertThat(dir.resolve("1.m4s")).doesNotExist();
        assertThat(dir.resolve(s.segment(9).init().name())).exists();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        segmenter.end();
        stream.end();
        assertThat(Files.readString(dir.resolve("index.m3u8"))).endsWith("#EXT-X-ENDLIST\n");
        stream.removeFiles();
        assertThat(dir).doesNotExist();
    }

    @Test
    void anHevcStreamOnDiskHasNoClassicPlaylistAndNoTsFiles(@TempDir Path root) throws Exception {
        Track hevc = Track.video(0, Codec.H265).config(new byte[] {1}).size(1280, 720).build();
        HlsStream stream = new HlsStream(KEY, HlsSettings.DEFAULTS, HlsStreamTest::fakeMuxer, wallClock::get,
                nanos::get, root);
        HlsSegmenter segmenter = stream.newSegmenter(true);
        List<MediaPacket> in = new ArrayList<>();
        for (int n = 0; n < 130; n++) {
            in.add(SyntheticStream.videoFrame(hevc, n * 33_333L, n * 33_333L, n % 60 == 0, 100));
        }
        feed(segmenter, in);
        Path dir = root.resolve("live").resolve("cam");
        assertThat(dir.resolve("0.m4s")).exists();
        assertThat(dir.resolve("ll.m3u8")).exists();
        assertThat(dir.resolve("index.m3u8")).doesNotExist();
        assertThat(dir.resolve("0.ts")).doesNotExist();
        segmenter.end();
    }

    @Test
    void aDiskThatCannotBeWrittenIsReportedAndMemoryServingGoesOn(@TempDir Path root) throws Exception {
        Path file = Files.writeString(root.resolve("not-a-directory"), "x");
        HlsStream stream = new HlsStream(KEY, HlsSettings.DEFAULTS, HlsStreamTest::fakeMuxer, wallClock::get,
                nanos::get, file);
        HlsSegmenter segmenter = stream.newSegmenter(true);
        feed(segmenter, packets(0, 6_100_000, 30, 60, true, true));
        assertThat(stream.problem()).contains("cannot write HLS files to");
        assertThat(stream.snapshot().segments()).hasSize(3);
        segmenter.end();
    }
}
