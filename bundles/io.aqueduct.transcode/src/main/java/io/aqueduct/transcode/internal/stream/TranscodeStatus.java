package io.aqueduct.transcode.internal.stream;

import io.aqueduct.api.stream.StreamKey;
import java.util.List;

/**
 * What one stream's transcoder is doing, for {@code /rest/v2/transcode/streams} and the health check.
 *
 * @param source the source stream
 * @param state {@code starting}, {@code waiting for video}, {@code transcoding}, {@code ended} or {@code failed}
 * @param message why it failed or what it waits for; empty when all is well
 * @param path where the work runs: {@code cpu} or {@code gpu}, and what does it (decoder, scaler, encoder)
 * @param sourceWidth the source's picture width (0 before the first frame)
 * @param sourceHeight the source's picture height
 * @param frameRate the source's frame rate, as measured from its timestamps
 * @param framesDecoded source frames decoded
 * @param framesDropped source frames not encoded because the transcoder was behind
 * @param decodeErrors corrupt packets and damaged frames
 * @param hubSkips times the hub skipped this transcoder forward to a keyframe (it fell more than its queue behind)
 * @param speed media time transcoded per second of wall time since the first frame (1.0 keeps up with live)
 * @param position the timestamp of the last frame transcoded, microseconds (0 before the first)
 * @param renditions the renditions being published
 */
public record TranscodeStatus(StreamKey source, String state, String message, String path, int sourceWidth,
        int sourceHeight, double frameRate, long framesDecoded, long framesDropped, long decodeErrors, long hubSkips,
        double speed, long position, List<RenditionStatus> renditions) {

    public TranscodeStatus {
        renditions = List.copyOf(renditions);
    }

    /**
     * One rendition.
     *
     * @param stream its stream key
     * @param audio {@code copy}, {@code aac <kb/s>} or {@code none}
     */
    public record RenditionStatus(StreamKey stream, int width, int height, long videoBitrate, String audio,
            long framesEncoded) {
    }

    /** One line for the health check. */
    public String describe() {
        StringBuilder s = new StringBuilder(source.toString()).append(": ").append(state);
        if (!message.isEmpty()) {
            s.append(" (").append(message).append(')');
        }
        if (sourceWidth > 0) {
            s.append("; ").append(sourceWidth).append('x').append(sourceHeight).append(String.format(" %.2f fps",
                    frameRate));
        }
        if (!renditions.isEmpty()) {
            s.append(" -> ").append(String.join(", ", renditions.stream().map(r -> r.height() + "p").toList()))
                    .append(" on ").append(path).append(String.format("; speed %.2fx", speed));
        }
        return s.append("; ").append(framesDropped).append(" frame(s) dropped, ").append(decodeErrors)
                .append(" decode error(s)").toString();
    }
}
