package io.aqueduct.hls.internal.playlist;

/**
 * One LL-HLS partial segment: a CMAF fragment (moof + mdat) of a segment, immutable once published.
 *
 * @param index position in its segment, from 0
 */
public record Part(long sequenceNumber, int index, long startMicros, long durationMicros, boolean independent,
        Payload data) {

    /** {@code <msn>.<index>.m4s}, relative to the playlist. */
    public String name() {
        return sequenceNumber + "." + index + ".m4s";
    }
}
