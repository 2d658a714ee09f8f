package io.aqueduct.hls.internal.segment;

import static io.aqueduct.hls.internal.segment.SyntheticStream.AUDIO;
import static io.aqueduct.hls.internal.segment.SyntheticStream.VIDEO;
import static io.aqueduct.hls.internal.segment.SyntheticStream.audioFrame;
import static io.aqueduct.hls.internal.segment.SyntheticStream.packets;
import static io.aqueduct.hls.internal.segment.SyntheticStream.videoFrame;
import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HlsSegmenterTest {
    private static final HlsSettings SETTINGS = HlsSettings.DEFAULTS;

    /** What a segmenter decided, packets released as they come. */
    static final class Recorder implements HlsSegmenter.Listener {
        record Part(long start, long end, boolean independent, List<String> packets, long[] arrivals) {
            long duration() {
                return end - start;
            }
        }

        record Segment(long msn, long start, long arrival, boolean discontinuity, Collection<Track> tracks,
                List<Part> parts, long[] end) {
        }

        final List<Segment> segments = new ArrayList<>();
        final List<MediaPacket> delivered = new ArrayList<>();

        @Override
        public void segmentStarted(long msn, long start, long arrival, boolean discontinuity,
                Collection<Track> tracks) {
            segments.add(new Segment(msn, start, arrival, discontinuity, tracks, new ArrayList<>(), new long[] {-1}));
        }

        @Override
        public void partCompleted(List<MediaPacket> packets, long[] arrivals, long start, long end,
                boolean independent) {
            assertThat(arrivals).hasSize(packets.size());
            List<String> names = new ArrayList<>();
            for (MediaPacket p : packets) {
                names.add((p.mediaType() == MediaType.VIDEO ? (p.isKeyframe() ? "K" : "v") : "a") + p.dts());
                delivered.add(p);
                p.release();
            }
            last().parts().add(new Part(start, end, independent, names, arrivals));
        }

        @Override
        public void segmentCompleted(long end) {
            last().end()[0] = end;
        }

        Segment last() {
            return segments.get(segments.size() - 1);
        }

        List<Segment> complete() {
            return segments.stream().filter(s -> s.end()[0] >= 0).toList();
        }
    }

    private static Recorder run(List<MediaPacket> packets, long firstMsn, boolean expectVideo) {
        Recorder r = new Recorder();
        HlsSegmenter s = new HlsSegmenter(SETTINGS, firstMsn, false, expectVideo, System::nanoTime, r);
        feed(s, packets);
        return r;
    }

    private static void feed(HlsSegmenter s, List<MediaPacket> packets) {
        for (MediaPacket p : packets) {
            s.accept(p);
            p.release();
        }
    }

    @Test
    void cutsAtKeyframesWithSequenceNumbersFromTimestamps() {
        // 30 fps, keyframe every 2 s, audio; 9 s of stream
        Recorder r = run(packets(0, 9_000_000, 30, 60, true, true), 0, true);
        assertThat(r.complete()).extracting(Recorder.Segment::msn).containsExactly(0L, 1L, 2L, 3L);
        assertThat(r.complete()).extracting(Recorder.Segment::start).containsExactly(0L, 2_000_000L, 4_000_000L,
                6_000_000L);
        for (Recorder.Segment seg : r.complete()) {
            assertThat(seg.end()[0] - seg.start()).isEqualTo(2_000_000L);
            assertThat(seg.tracks()).containsExactlyInAnyOrder(VIDEO, AUDIO);
            assertThat(seg.parts().get(0).packets().get(0)).startsWith("K");
            assertThat(seg.parts().get(0).independent()).isTrue();
            assertThat(seg.parts().subList(1, seg.parts().size())).noneMatch(Recorder.Part::independent);
            // parts are contiguous, never longer than the part target, and at least 85 % of it but the last
            long at = seg.start();
            for (int i = 0; i < seg.parts().size(); i++) {
                Recorder.Part part = seg.parts().get(i);
                assertThat(part.start()).isEqualTo(at);
                assertThat(part.duration()).isLessThanOrEqualTo(SETTINGS.partTargetMicros());
                if (i < seg.parts().size() - 1) {
                    assertThat(part.duration()).isGreaterThanOrEqualTo(SETTINGS.partTargetMicros() * 85 / 100);
                }
                at = part.end();
            }
            assertThat(at).isEqualTo(seg.end()[0]);
        }
    }

    @Test
    void everyPacketFromTheFirstKeyframeIsDeliveredOnceInOrder() {
        List<MediaPacket> in = packets(0, 5_000_000, 25, 50, true, true);
        List<String> expected = new ArrayList<>();
        for (MediaPacket p : in) {
            expected.add((p.mediaType() == MediaType.VIDEO ? (p.isKeyframe() ? "K" : "v") : "a") + p.dts());
        }
        Recorder r = new Recorder();
        HlsSegmenter s = new HlsSegmenter(SETTINGS, 0, false, true, System::nanoTime, r);
        feed(s, in);
        s.end();
        List<String> out = r.segments.stream().flatMap(seg -> seg.parts().stream())
                .flatMap(p -> p.packets().stream()).toList();
        assertThat(out).containsExactlyElementsOf(expected);
        assertThat(r.last().end()[0]).isEqualTo(5_000_000L);
    }

    @Test
    void twoNodesJoiningAtDifferentKeyframesAgreeOnSequenceNumbers() {
        Recorder early = run(packets(0, 20_000_000, 30, 60, true, true), 0, true);
        // a node that gets the stream from 10.3 s on: its GOP cache starts at the keyframe at 10 s
        Recorder late = run(packets(10_000_000, 10_000_000, 30, 60, true, true), 0, true);
        assertThat(late.complete().get(0).msn()).isEqualTo(5);
        for (Recorder.Segment l : late.complete()) {
            Recorder.Segment e = early.complete().get((int) l.msn());
            assertThat(l.start()).isEqualTo(e.start());
            assertThat(l.end()[0]).isEqualTo(e.end()[0]);
            assertThat(l.parts()).extracting(Recorder.Part::start)
                    .containsExactlyElementsOf(e.parts().stream().map(Recorder.Part::start).toList());
        }
    }

    @Test
    void keyframeJitterAroundTheSlotBoundaryKeepsOneSegmentPerSlot() {
        Recorder r = new Recorder();
        HlsSegmenter s = new HlsSegmenter(SETTINGS, 0, false, true, System::nanoTime, r);
        long[] keys = {0, 1_999_000, 4_001_000, 5_998_000, 8_000_000};
        for (int k = 0; k < keys.length; k++) {
            for (int f = 0; f < 10; f++) {
                long dts = keys[k] + f * 100_000L;
                MediaPacket p = videoFrame(VIDEO, dts, dts, f == 0, 100);
                s.accept(p);
                p.release();
            }
        }
        assertThat(r.segments).extracting(Recorder.Segment::msn).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void shortGopsMakeSegmentsOfTheTargetDuration() {
        Recorder r = run(packets(0, 9_000_000, 30, 15, true, true), 0, true);
        // slots are shifted by half a target duration, so the first one ends at 1 s
        assertThat(r.complete()).extracting(seg -> seg.end()[0] - seg.start())
                .containsExactly(1_000_000L, 2_000_000L, 2_000_000L, 2_000_000L);
        assertThat(r.complete()).extracting(Recorder.Segment::msn).containsExactly(0L, 1L, 2L, 3L);
        // every half-second keyframe makes an independent part
        assertThat(r.complete().get(1).parts()).filteredOn(Recorder.Part::independent).hasSize(4);
    }

    @Test
    void audioBeforeTheFirstKeyframeIsDroppedAndTheStreamStartsAtTheKeyframe() {
        List<MediaPacket> in = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            in.add(audioFrame(AUDIO, Math.round(n * SyntheticStream.AAC_FRAME_MICROS), 40));
        }
        // the encoder's first keyframe comes at 300 ms; audio after it is interleaved
        for (int n = 0; n < 60; n++) {
            long dts = 300_000 + n * 1_000_000L / 30;
            in.add(videoFrame(VIDEO, dts, dts, n == 0, 100));
        }
        for (int n = 20; n < 100; n++) {
            in.add(audioFrame(AUDIO, Math.round(n * SyntheticStream.AAC_FRAME_MICROS), 40));
        }
        in.sort(java.util.Comparator.comparingLong(MediaPacket::dts));
        Recorder r = new Recorder();
        HlsSegmenter s = new HlsSegmenter(SETTINGS, 0, false, false, System::nanoTime, r);
        feed(s, in);
        Recorder.Segment first = r.segments.get(0);
        assertThat(first.start()).isEqualTo(300_000L);
        assertThat(first.tracks()).containsExactlyInAnyOrder(VIDEO, AUDIO);
        List<String> packets = first.parts().get(0).packets();
        assertThat(packets.get(0)).isEqualTo("K300000");
        // audio from 300 ms on is kept (the frame at 302 ms arrived before the keyframe), the rest dropped
        assertThat(packets).contains("a301859").doesNotContain("a278639");
        assertThat(s.droppedBeforeStart()).isEqualTo(13);
        assertThat(r.segments).extracting(Recorder.Segment::discontinuity).containsOnly(false);
    }

    @Test
    void audioOnlyStreamStartsAfterASecondWithoutVideoAndCutsOnAudio() {
        Recorder r = run(packets(0, 7_000_000, 30, 60, false, true), 0, false);
        assertThat(r.segments.get(0).start()).isEqualTo(0L);
        assertThat(r.segments.get(0).tracks()).containsExactly(AUDIO);
        assertThat(r.complete()).extracting(Recorder.Segment::msn).containsExactly(0L, 1L, 2L);
        assertThat(r.complete().get(1).start()).isBetween(1_000_000L, 1_023_220L);
        assertThat(r.complete().get(0).parts()).allMatch(Recorder.Part::independent);
    }

    @Test
    void videoOnlyStreamStartsAfterASecondWithoutAudio() {
        Recorder r = run(packets(0, 5_000_000, 30, 60, true, false), 0, true);
        assertThat(r.segments.get(0).start()).isZero();
        assertThat(r.segments.get(0).tracks()).containsExactly(VIDEO);
        assertThat(r.complete()).hasSize(2);
    }

    @Test
    void aNewConfigurationStartsASegmentWithADiscontinuityAtTheNextKeyframe() {
        Track changed = SyntheticStream.video(new byte[] {0x67, 0x42, (byte) 0xc0, 0x1e, 0x11});
        List<MediaPacket> in = packets(0, 3_000_000, 30, 30, true, true);
        in.add(videoFrame(changed, 3_000_000, 3_000_000, true, 500));
        in.add(videoFrame(changed, 3_033_333, 3_033_333, false, 100));
        in.add(videoFrame(changed, 3_066_666, 3_066_666, false, 100));
        Recorder r = run(in, 0, true);
        Recorder.Segment last = r.last();
        assertThat(last.start()).isEqualTo(3_000_000L);
        assertThat(last.discontinuity()).isTrue();
        assertThat(last.tracks()).contains(changed).doesNotContain(VIDEO);
        assertThat(last.msn()).isEqualTo(r.segments.get(r.segments.size() - 2).msn() + 1);
    }

    @Test
    void timestampsThatJumpBackStartADiscontinuityAndNumbersGoOn() {
        List<MediaPacket> in = packets(0, 4_100_000, 30, 60, true, true);
        for (MediaPacket p : packets(0, 2_500_000, 30, 60, true, true)) {
            in.add(p);
        }
        Recorder r = run(in, 0, true);
        assertThat(r.segments).extracting(Recorder.Segment::msn).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(r.segments).extracting(Recorder.Segment::discontinuity)
                .containsExactly(false, false, false, true, false);
        assertThat(r.segments.get(3).start()).isZero();
        // the segment before the jump ends with its last frame, not at the new timestamp
        assertThat(r.segments.get(2).end()[0]).isBetween(4_099_000L, 4_100_000L);
    }

    @Test
    void aJumpForwardEndsTheSegmentWithItsLastFrameAndNumbersGoOnByOne() {
        List<MediaPacket> in = packets(0, 4_100_000, 30, 60, true, true);
        in.addAll(packets(3_600_000_000L, 4_100_000, 30, 60, true, true));
        Recorder r = run(in, 0, true);
        // numbered on from 3, not from the slot of 3600 s
        assertThat(r.segments).extracting(Recorder.Segment::msn).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(r.segments.get(2).end()[0]).isBetween(4_099_000L, 4_100_000L);
        assertThat(r.segments.get(3).start()).isEqualTo(3_600_000_000L);
        assertThat(r.segments.get(3).discontinuity()).isTrue();
        assertThat(r.complete()).allMatch(seg -> seg.end()[0] - seg.start() <= 2_100_000L);
    }

    @Test
    void aPacketMarkedAsDiscontinuityEndsTheSegmentWithItsLastFrameThoughTimestampsGoOn() {
        // an edge resumed the stream after 3.9 s without media, on a time line it moved to follow the old one
        List<MediaPacket> in = packets(0, 4_100_000, 30, 60, true, true);
        List<MediaPacket> resumed = packets(8_000_000, 4_100_000, 30, 60, true, true);
        resumed.set(0, resumed.get(0).shifted(0, true));
        in.addAll(resumed);
        Recorder r = run(in, 0, true);
        assertThat(r.segments).extracting(Recorder.Segment::msn).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(r.segments).extracting(Recorder.Segment::discontinuity)
                .containsExactly(false, false, false, true, false, false);
        assertThat(r.segments.get(2).end()[0]).isBetween(4_099_000L, 4_100_000L);
        assertThat(r.segments.get(3).start()).isEqualTo(8_000_000L);
        assertThat(r.complete()).allMatch(seg -> seg.end()[0] - seg.start() <= 2_100_000L);
    }

    @Test
    void withoutKeyframesSegmentsAreCutAfterFourTargetDurations() {
        // one keyframe, then 20 s of inter frames (an encoder that sends keyframes only on request)
        List<MediaPacket> in = packets(0, 20_000_000, 30, 100_000, true, true);
        Recorder r = run(in, 0, true);
        assertThat(r.complete()).isNotEmpty()
                .allMatch(seg -> seg.end()[0] - seg.start() <= 8_100_000L);
    }

    @Test
    void aContinuedStreamStartsAfterTheEarlierOnesNumbers() {
        Recorder r = new Recorder();
        HlsSegmenter s = new HlsSegmenter(SETTINGS, 17, true, true, System::nanoTime, r);
        feed(s, packets(0, 3_000_000, 30, 60, true, true));
        assertThat(r.segments.get(0).msn()).isEqualTo(17);
        assertThat(r.segments.get(0).discontinuity()).isTrue();
        assertThat(r.segments.get(1).discontinuity()).isFalse();
        assertThat(s.nextSequenceNumber()).isEqualTo(19);
        s.end();
    }

    @Test
    void timestampsPastThe33BitWrapOfMpegTsAreJustTime() {
        long start = (1L << 33) * 1_000_000 / 90_000 / 2_000_000 * 2_000_000; // ~26.5 h, on a keyframe
        Recorder r = run(packets(start, 5_000_000, 30, 60, true, true), 0, true);
        assertThat(r.complete()).extracting(Recorder.Segment::msn)
                .containsExactly(start / 2_000_000, start / 2_000_000 + 1);
        assertThat(r.complete()).extracting(seg -> seg.end()[0] - seg.start()).containsOnly(2_000_000L);
    }

    @Test
    void videoThatStopsLetsAudioKeepTimeUntilAKeyframeComesBack() {
        List<MediaPacket> in = packets(0, 2_000_000, 30, 60, true, true);
        in.addAll(packets(2_000_000, 8_000_000, 30, 60, false, true));
        in.addAll(packets(10_000_000, 2_100_000, 30, 60, true, true));
        Recorder r = run(in, 0, true);
        // video stops at 1.97 s; a target duration later audio cuts, then on its own slots, then video again
        assertThat(r.complete()).extracting(Recorder.Segment::msn).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(r.complete().get(0).end()[0]).isBetween(3_966_000L, 4_000_000L);
        assertThat(r.complete().get(1).end()[0]).isBetween(5_000_000L, 5_030_000L);
        assertThat(r.segments.get(5).start()).isEqualTo(10_000_000L);
        assertThat(r.segments.get(5).parts().get(0).packets().get(0)).isEqualTo("K10000000");
        assertThat(r.segments).extracting(Recorder.Segment::discontinuity).containsOnly(false);
    }

    @Test
    void arrivalTimesComeFromTheClock() {
        AtomicLong now = new AtomicLong(1000);
        Recorder r = new Recorder();
        HlsSegmenter s = new HlsSegmenter(SETTINGS, 0, false, true, now::get, r);
        for (MediaPacket p : packets(0, 3_000_000, 30, 60, true, true)) {
            now.addAndGet(10);
            s.accept(p);
            p.release();
        }
        long[] arrivals = r.segments.get(0).parts().get(0).arrivals();
        assertThat(arrivals[0]).isGreaterThan(1000);
        // the first segment waited for audio before it started; it still says when its keyframe came
        assertThat(r.segments.get(0).arrival()).isEqualTo(arrivals[0]);
        assertThat(r.segments.get(1).arrival()).isEqualTo(r.segments.get(1).parts().get(0).arrivals()[0]);
        for (int i = 1; i < arrivals.length; i++) {
            assertThat(arrivals[i]).isGreaterThanOrEqualTo(arrivals[i - 1]);
        }
        s.end();
    }

    @Test
    void endReleasesHeldPacketsOfAStreamThatNeverStarted() {
        Recorder r = new Recorder();
        HlsSegmenter s = new HlsSegmenter(SETTINGS, 0, false, true, System::nanoTime, r);
        MediaPacket a = audioFrame(AUDIO, 0, 10);
        s.accept(a);
        s.end();
        assertThat(a.refCnt()).isEqualTo(1);
        a.release();
        assertThat(r.segments).isEmpty();
    }
}
