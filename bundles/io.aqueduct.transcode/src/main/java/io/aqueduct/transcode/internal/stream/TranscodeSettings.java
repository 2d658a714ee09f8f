package io.aqueduct.transcode.internal.stream;

import io.aqueduct.transcode.internal.ladder.Ladder;

/**
 * How one ladder's streams are transcoded.
 *
 * @param ladder the renditions
 * @param encoder {@code libx264} or {@code libopenh264} (the software encoder)
 * @param preset libx264's preset
 * @param gpu whether to use a GPU when there is one
 * @param maxLagMillis how far (in media time) the transcoder may fall behind the source before it stops encoding
 *     frames between keyframes to catch up
 * @param maxGopMillis the longest time between two keyframes of a rendition (a source with longer GOPs gets extra
 *     keyframes, at the same frames in every rendition)
 * @param scaleFlags the software scaler's algorithm ({@code bicubic}, {@code bilinear}, ...)
 */
public record TranscodeSettings(Ladder ladder, String encoder, String preset, boolean gpu, long maxLagMillis,
        long maxGopMillis, String scaleFlags) {
}
