package io.aqueduct.ffmpeg;

import java.util.List;

/**
 * What this node can do with FFmpeg.
 *
 * @param version FFmpeg's version ({@code av_version_info})
 * @param encoders the H.264 encoders this build has, in order of preference for software ({@code libx264},
 *     {@code libopenh264})
 * @param cuda whether a CUDA device could be opened (frames can be decoded on NVDEC and scaled with scale_cuda)
 * @param nvenc whether an NVENC H.264 encoder could be opened on it
 * @param gpu what was found, or why there is no GPU path (for /health and the log)
 */
public record FfmpegCapabilities(String version, List<String> encoders, boolean cuda, boolean nvenc, String gpu) {

    public FfmpegCapabilities {
        encoders = List.copyOf(encoders);
    }

    /** One line: {@code FFmpeg 8.1.2; H.264 encoders libx264, libopenh264; GPU: none (...)}. */
    public String describe() {
        return "FFmpeg " + version + "; H.264 encoders " + (encoders.isEmpty() ? "none" : String.join(", ", encoders))
                + "; GPU: " + gpu;
    }
}
