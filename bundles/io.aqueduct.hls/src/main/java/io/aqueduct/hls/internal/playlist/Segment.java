package io.aqueduct.hls.internal.playlist;

import java.util.List;

/**
 * A media segment, complete or still growing, as a playlist lists it. Immutable: a growing segment is published as
 * a new {@code Segment} each time a part is added.
 *
 * @param discontinuitySequence the Discontinuity Sequence Number of this segment (RFC 8216 6.2.2): how many
 *     discontinuities the stream has had up to and including this segment
 * @param durationMicros the whole duration once complete; the sum of the parts so far while growing
 * @param programDateTimeMillis wall-clock time of the first frame (when it reached this node's first segmenter)
 * @param ts the MPEG-TS rendering, null while growing
 */
public record Segment(long sequenceNumber, long startMicros, long durationMicros, boolean discontinuity,
        long discontinuitySequence, long programDateTimeMillis, InitSection init, List<Part> parts, byte[] ts,
        boolean complete) {

    public Segment {
        parts = List.copyOf(parts);
    }

    public String tsName() {
        return sequenceNumber + ".ts";
    }

    public String fmp4Name() {
        return sequenceNumber + ".m4s";
    }

    /** The CMAF segment: its parts one after another (each a moof + mdat), as CMAF allows. */
    public int fmp4Length() {
        int n = 0;
        for (Part p : parts) {
            n += p.data().length;
        }
        return n;
    }
}
