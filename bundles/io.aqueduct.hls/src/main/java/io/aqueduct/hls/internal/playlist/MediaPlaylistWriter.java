package io.aqueduct.hls.internal.playlist;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes media playlists (RFC 8216 and RFC 8216bis): the classic one over MPEG-TS segments, and the Low-Latency one
 * over CMAF segments with partial segments, blocking reload and preload hints.
 *
 * <p>Both list the same segments under the same sequence numbers; only the segment format differs. Every segment
 * carries EXT-X-PROGRAM-DATE-TIME, so a player can tell how far behind real time it plays.
 */
public final class MediaPlaylistWriter {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);

    /** EXT-X-PART tags are kept for this many target durations at the end of the playlist (RFC 8216bis 6.2.2). */
    static final int PART_TARGET_DURATIONS_KEPT = 3;

    private MediaPlaylistWriter() {
    }

    /**
     * The classic playlist: complete segments only, as {@code <msn>.ts}.
     *
     * @param segments the complete segments to list, oldest first
     */
    public static String classic(List<Segment> segments, int targetDurationSeconds, boolean ended) {
        StringBuilder s = new StringBuilder(128 + segments.size() * 80);
        s.append("#EXTM3U\n#EXT-X-VERSION:3\n");
        s.append("#EXT-X-TARGETDURATION:").append(targetDurationSeconds).append('\n');
        header(s, segments);
        for (Segment seg : segments) {
            segmentTags(s, seg);
            extinf(s, seg).append(seg.tsName()).append('\n');
        }
        if (ended) {
            s.append("#EXT-X-ENDLIST\n");
        }
        return s.toString();
    }

    /**
     * The Low-Latency playlist: complete segments as {@code <msn>.m4s}, the parts of the newest ones, the parts of the
     * growing segment, and a preload hint for the part that comes next.
     *
     * @param segments the complete segments to list, oldest first
     * @param growing the segment being written, null when none (before the first part, after the end)
     * @param reports where the other renditions of this content stand
     */
    public static String lowLatency(List<Segment> segments, Segment growing, int targetDurationSeconds,
            long partTargetMicros, boolean ended, List<RenditionReport> reports) {
        return cmaf(segments, growing, targetDurationSeconds, partTargetMicros, ended, reports, true);
    }

    /** A CMAF playlist of complete segments only, without parts or blocking reload: for files served from disk. */
    public static String cmafSegments(List<Segment> segments, int targetDurationSeconds, boolean ended) {
        return cmaf(segments, null, targetDurationSeconds, 0, ended, List.of(), false);
    }

    private static String cmaf(List<Segment> segments, Segment growing, int targetDurationSeconds,
            long partTargetMicros, boolean ended, List<RenditionReport> reports, boolean parts) {
        StringBuilder s = new StringBuilder(512 + segments.size() * 400);
        s.append("#EXTM3U\n#EXT-X-VERSION:6\n");
        s.append("#EXT-X-TARGETDURATION:").append(targetDurationSeconds).append('\n');
        if (!parts) {
            s.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        } else if (!ended) {
            s.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=")
                    .append(seconds(3 * partTargetMicros))
                    .append(",HOLD-BACK=").append(seconds(3L * targetDurationSeconds * 1_000_000)).append('\n');
        }
        if (parts) {
            s.append("#EXT-X-PART-INF:PART-TARGET=").append(partSeconds(partTargetMicros)).append('\n');
        }
        List<Segment> all = growing == null ? segments
                : java.util.stream.Stream.concat(segments.stream(), java.util.stream.Stream.of(growing)).toList();
        header(s, all);
        long partsFrom = partsFrom(all, targetDurationSeconds);
        InitSection init = null;
        for (Segment seg : all) {
            if (seg.init() != null && (init == null || !seg.init().name().equals(init.name()))) {
                init = seg.init();
                if (!seg.discontinuity()) {
                    s.append("#EXT-X-MAP:URI=\"").append(init.name()).append("\"\n");
                }
            }
            segmentTags(s, seg);
            if (seg.discontinuity() && seg.init() != null) {
                // a discontinuity comes before the map it brings (RFC 8216 4.3.2.5 applies the map to what follows)
                s.append("#EXT-X-MAP:URI=\"").append(seg.init().name()).append("\"\n");
            }
            if (parts && (seg.startMicros() >= partsFrom || !seg.complete())) {
                for (Part p : seg.parts()) {
                    s.append("#EXT-X-PART:DURATION=").append(partSeconds(p.durationMicros()))
                            .append(",URI=\"").append(p.name()).append('"');
                    if (p.independent()) {
                        s.append(",INDEPENDENT=YES");
                    }
                    s.append('\n');
                }
            }
            if (seg.complete()) {
                extinf(s, seg).append(seg.fmp4Name()).append('\n');
            }
        }
        if (ended) {
            s.append("#EXT-X-ENDLIST\n");
        } else if (parts && !all.isEmpty()) {
            Segment last = all.get(all.size() - 1);
            long msn = last.complete() ? last.sequenceNumber() + 1 : last.sequenceNumber();
            int index = last.complete() ? 0 : last.parts().size();
            s.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(msn).append('.').append(index).append(".m4s\"\n");
        }
        for (RenditionReport r : reports) {
            s.append("#EXT-X-RENDITION-REPORT:URI=\"").append(r.uri()).append("\",LAST-MSN=")
                    .append(r.lastSequenceNumber()).append(",LAST-PART=").append(r.lastPart()).append('\n');
        }
        return s.toString();
    }

    /** Where parts stop being listed: three target durations before the end of the playlist. */
    private static long partsFrom(List<Segment> all, int targetDurationSeconds) {
        if (all.isEmpty()) {
            return 0;
        }
        Segment last = all.get(all.size() - 1);
        long end = last.startMicros() + last.durationMicros();
        return end - PART_TARGET_DURATIONS_KEPT * targetDurationSeconds * 1_000_000L;
    }

    private static void header(StringBuilder s, List<Segment> segments) {
        long msn = segments.isEmpty() ? 0 : segments.get(0).sequenceNumber();
        long dsn = 0;
        if (!segments.isEmpty()) {
            Segment first = segments.get(0);
            dsn = first.discontinuitySequence() - (first.discontinuity() ? 1 : 0);
        }
        s.append("#EXT-X-MEDIA-SEQUENCE:").append(msn).append('\n');
        if (dsn > 0) {
            s.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(dsn).append('\n');
        }
    }

    private static void segmentTags(StringBuilder s, Segment seg) {
        if (seg.discontinuity()) {
            s.append("#EXT-X-DISCONTINUITY\n");
        }
        s.append("#EXT-X-PROGRAM-DATE-TIME:")
                .append(DATE_TIME.format(Instant.ofEpochMilli(seg.programDateTimeMillis())))
                .append('\n');
    }

    private static StringBuilder extinf(StringBuilder s, Segment seg) {
        return s.append("#EXTINF:").append(seconds(seg.durationMicros())).append(",\n");
    }

    /** Seconds with millisecond precision, as playlists write durations. */
    static String seconds(long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1e6);
    }

    /** Part durations with microsecond precision: a part must not look longer than the part target. */
    static String partSeconds(long micros) {
        return String.format(Locale.ROOT, "%.5f", Math.floor(micros / 10.0) / 1e5);
    }

    /** The target duration a playlist declares: its longest segment, rounded, and never below the configured one. */
    public static int targetDurationSeconds(long configuredMicros, long longestSegmentMicros) {
        long configured = (configuredMicros + 999_999) / 1_000_000;
        long longest = Math.round(longestSegmentMicros / 1e6);
        return (int) Math.max(configured, longest);
    }
}
