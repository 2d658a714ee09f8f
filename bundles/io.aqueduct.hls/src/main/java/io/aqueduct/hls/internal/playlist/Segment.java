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
 * @param ts the MPEG-TS rendering; null while growing, and for HEVC
 * @param fmp4 the CMAF segment, its parts back to back (each a moof + mdat, as CMAF allows); null while growing
 */
public record Segment(long sequenceNumber, long startMicros, long durationMicros, boolean discontinuity,
        long discontinuitySequence, long programDateTimeMillis, InitSection init, List<Part> parts, Payload ts,
        Payload fmp4, boolean complete) {

    public Segment {
        parts = List.copyOf(parts);
    }

    public String tsName() {
        return sequenceNumber + ".ts";
    }

    public String fmp4Name() {
        return sequenceNumber + ".m4s";
    }

    /** Bytes of the CMAF segment, or of its parts so far while growing. */
    public int fmp4Length() {
        if (fmp4 != null) {
            return fmp4.size();
        }
        int n = 0;
        for (Part p : parts) {
            n += p.data().size();
        }
        return n;
    }
}
