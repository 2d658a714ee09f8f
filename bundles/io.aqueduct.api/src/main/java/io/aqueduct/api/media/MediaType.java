package io.aqueduct.api.media;

/** What a track carries. */
public enum MediaType {
    VIDEO,
    AUDIO,
    /** Timed metadata (for example an RTMP {@code onMetaData} or {@code onCuePoint}). */
    DATA
}
