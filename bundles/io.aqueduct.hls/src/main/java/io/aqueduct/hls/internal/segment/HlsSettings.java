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
    public static final HlsSettings DEFAULTS = new HlsSettings(2_000_000, 333_334, 6, 1_000_000);

    public HlsSettings {
        if (targetDurationMicros < 500_000 || partTargetMicros < 50_000 || partTargetMicros > targetDurationMicros
                || windowSegments < 2 || audioOnlyAfterMicros <= 0) {
            throw new IllegalArgumentException("invalid HLS settings: target " + targetDurationMicros + " us, part "
                    + partTargetMicros + " us, window " + windowSegments);
        }
    }
}
