package io.aqueduct.hls.internal.segment;

/**
 * How streams are cut and kept.
 *
 * @param targetDurationMicros segments are cut at the first keyframe of each target-duration slot of stream time
 * @param partTargetMicros the longest LL-HLS partial segment
 * @param windowSegments how many complete segments a live playlist lists
 * @param audioOnlyAfterMicros how much audio without any video makes a stream audio-only
 */
public record HlsSettings(long targetDurationMicros, long partTargetMicros, int windowSegments,
        long audioOnlyAfterMicros) {
    public static final long DEFAULT_TARGET_DURATION_MS = 2000;
    /** Ten 30 fps frames with millisecond timestamps last 333 or 334 ms: every part of a 2 s segment holds ten. */
    public static final long DEFAULT_PART_TARGET_MS = 334;
    public static final int DEFAULT_WINDOW = 6;
    public static final HlsSettings DEFAULTS = new HlsSettings(DEFAULT_TARGET_DURATION_MS * 1000,
            DEFAULT_PART_TARGET_MS * 1000, DEFAULT_WINDOW, 1_000_000);

    public HlsSettings {
        if (targetDurationMicros < 500_000 || partTargetMicros < 50_000 || partTargetMicros > targetDurationMicros
                || windowSegments < 2 || audioOnlyAfterMicros <= 0) {
            throw new IllegalArgumentException("invalid HLS settings: target " + targetDurationMicros + " us, part "
                    + partTargetMicros + " us, window " + windowSegments);
        }
    }
}
