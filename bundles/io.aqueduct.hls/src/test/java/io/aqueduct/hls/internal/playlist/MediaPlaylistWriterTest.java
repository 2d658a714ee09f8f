package io.aqueduct.hls.internal.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaPlaylistWriterTest {
    private static final InitSection INIT_A = InitSection.of(new byte[] {1}, "avc1.42c00d,mp4a.40.2", 320, 240);
    private static final InitSection INIT_B = InitSection.of(new byte[] {2}, "avc1.64001f,mp4a.40.2", 1280, 720);
    private static final long PDT = 1_795_000_000_000L;

    private static Segment segment(long msn, long start, boolean discontinuity, long dsn, InitSection init,
            int parts, boolean complete) {
        List<Part> list = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            list.add(new Part(msn, i, start + i * 333_333L, 333_333, i == 0, Payload.copyOf(new byte[] {(byte) i})));
        }
        long duration = complete ? 2_000_000 : parts * 333_333L;
        return new Segment(msn, start, duration, discontinuity, dsn, PDT + start / 1000, init, list,
                complete ? Payload.copyOf(new byte[] {0x47}) : null, complete ? Payload.copyOf(new byte[parts]) : null,
                complete);
    }

    @Test
    void classicPlaylistListsTsSegmentsWithTheirDates() {
        String p = MediaPlaylistWriter.classic(List.of(segment(7, 14_000_000, false, 0, INIT_A, 6, true),
                segment(8, 16_000_000, false, 0, INIT_A, 6, true)), 2, false);
        assertThat(p).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:7
                #EXT-X-PROGRAM-DATE-TIME:2026-11-18T11:06:54.000Z
                #EXTINF:2.000,
                7.ts
                #EXT-X-PROGRAM-DATE-TIME:2026-11-18T11:06:56.000Z
                #EXTINF:2.000,
                8.ts
                """);
    }

    @Test
    void aDiscontinuityComesBeforeTheNewMapAndIsCountedOnceItSlidesOut() {
        List<Segment> segments = List.of(segment(3, 6_000_000, true, 1, INIT_A, 6, true),
                segment(4, 0, true, 2, INIT_B, 6, true));
        String ll = MediaPlaylistWriter.lowLatency(segments, segment(5, 2_000_000, false, 2, INIT_B, 2, false), 2,
                333_334, false, List.of());
        // the first listed segment's own discontinuity is in the playlist: nothing slid out yet
        assertThat(ll).doesNotContain("#EXT-X-DISCONTINUITY-SEQUENCE")
                .contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-11-18T11:06:46.000Z\n#EXT-X-MAP:URI=\""
                        + INIT_A.name() + "\"\n")
                .contains("3.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:"
                        + "2026-11-18T11:06:40.000Z\n#EXT-X-MAP:URI=\"" + INIT_B.name() + "\"\n");
        assertThat(ll.indexOf(INIT_B.name())).isGreaterThan(ll.indexOf("3.m4s"));
        // when the first listed segment is a discontinuity, the sequence counts the ones before it
        String later = MediaPlaylistWriter.classic(List.of(segment(4, 0, true, 2, INIT_B, 6, true)), 2, false);
        assertThat(later).contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXT-X-DISCONTINUITY\n");
    }

    @Test
    void lowLatencyPlaylistHintsTheNextPartAndReportsOtherRenditions() {
        String ll = MediaPlaylistWriter.lowLatency(List.of(segment(1, 2_000_000, false, 0, INIT_A, 6, true)),
                segment(2, 4_000_000, false, 0, INIT_A, 3, false), 2, 333_334, false,
                List.of(new RenditionReport("../cam_480p/ll.m3u8", 2, 1)));
        assertThat(ll).endsWith("""
                #EXT-X-PART:DURATION=0.33333,URI="2.2.m4s"
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="2.3.m4s"
                #EXT-X-RENDITION-REPORT:URI="../cam_480p/ll.m3u8",LAST-MSN=2,LAST-PART=1
                """);
        // after a complete segment and no part yet, the hint is the next segment's first part
        String between = MediaPlaylistWriter.lowLatency(List.of(segment(1, 2_000_000, false, 0, INIT_A, 6, true)),
                null, 2, 333_334, false, List.of());
        assertThat(between).endsWith("1.m4s\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"2.0.m4s\"\n");
    }

    @Test
    void partsAreListedForTheLastThreeTargetDurationsOnly() {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            segments.add(segment(i, i * 2_000_000L, false, 0, INIT_A, 6, true));
        }
        String ll = MediaPlaylistWriter.lowLatency(segments, segment(6, 12_000_000, false, 0, INIT_A, 1, false), 2,
                333_334, false, List.of());
        assertThat(ll).doesNotContain("URI=\"3.0.m4s\"").contains("URI=\"4.0.m4s\"", "URI=\"6.0.m4s\"");
    }

    @Test
    void anEndedPlaylistNeitherBlocksNorHints() {
        String ll = MediaPlaylistWriter.lowLatency(List.of(segment(1, 2_000_000, false, 0, INIT_A, 6, true)), null,
                2, 333_334, true, List.of());
        assertThat(ll).endsWith("1.m4s\n#EXT-X-ENDLIST\n").doesNotContain("SERVER-CONTROL", "PRELOAD-HINT");
    }

    @Test
    void filePlaylistHasCompleteCmafSegmentsOnly() {
        String p = MediaPlaylistWriter.cmafSegments(List.of(segment(1, 2_000_000, false, 0, INIT_A, 6, true)), 2,
                false);
        assertThat(p).contains("#EXT-X-INDEPENDENT-SEGMENTS\n", "#EXT-X-MAP:URI=\"" + INIT_A.name(), "1.m4s\n")
                .doesNotContain("#EXT-X-PART", "SERVER-CONTROL", "PART-INF", "PRELOAD-HINT");
    }

    @Test
    void durationsAndTargetDuration() {
        assertThat(MediaPlaylistWriter.seconds(2_002_000)).isEqualTo("2.002");
        assertThat(MediaPlaylistWriter.partSeconds(333_339)).isEqualTo("0.33333");
        assertThat(MediaPlaylistWriter.targetDurationSeconds(2_000_000, 1_900_000)).isEqualTo(2);
        assertThat(MediaPlaylistWriter.targetDurationSeconds(2_000_000, 4_400_000)).isEqualTo(4);
        assertThat(MediaPlaylistWriter.targetDurationSeconds(2_000_000, 4_600_000)).isEqualTo(5);
        assertThat(MediaPlaylistWriter.targetDurationSeconds(1_500_000, 0)).isEqualTo(2);
    }
}
