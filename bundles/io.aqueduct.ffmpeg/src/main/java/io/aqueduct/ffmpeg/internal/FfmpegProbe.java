package io.aqueduct.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_CUDA;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_ctx_create;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_version_info;

import io.aqueduct.ffmpeg.FfmpegCapabilities;
import io.aqueduct.ffmpeg.FfmpegException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/**
 * Finds out what this node can do with FFmpeg: loads the natives (the first call extracts them to JavaCPP's cache,
 * a second or two), reads the version, looks for the H.264 encoders, and tries the GPU path the way the transcoder
 * will use it: a CUDA device context (for NVDEC and scale_cuda), then an NVENC encoder opened on 720p. Each step
 * that fails says why; nothing here throws past a failure to load the natives.
 *
 * <p>On the lent H200 (driver 580) the CUDA device opens and NVENC refuses ("Driver does not support the required
 * nvenc API version. Required: 13.1 Found: 13.0"), so the encoder probe is real work, not a formality
 * (bench/RESULTS.md, GPU).
 */
public final class FfmpegProbe {
    /** Software H.264 encoders, in order of preference. */
    static final List<String> SOFTWARE_ENCODERS = List.of("libx264", "libopenh264");

    private FfmpegProbe() {
    }

    /**
     * Probes. Not thread-safe with other FFmpeg use of the log level: call it once, at start.
     *
     * @throws LinkageError when the natives cannot be loaded (a missing system library, another platform)
     */
    public static FfmpegCapabilities probe() {
        String version = av_version_info().getString();
        List<String> encoders = new ArrayList<>();
        for (String name : SOFTWARE_ENCODERS) {
            if (avcodec_find_encoder_by_name(name) != null) {
                encoders.add(name);
            }
        }
        // the probes below fail loudly on machines without a GPU: they are expected answers, not errors
        av_log_set_level(AV_LOG_QUIET);
        try {
            AVBufferRef device = new AVBufferRef(null);
            int opened = av_hwdevice_ctx_create(device, AV_HWDEVICE_TYPE_CUDA, (String) null, (AVDictionary) null, 0);
            if (opened < 0) {
                return new FfmpegCapabilities(version, encoders, false, false,
                        "none (no CUDA device: " + FfmpegException.describe(opened) + "); decoding, scaling and encoding on the CPU");
            }
            av_buffer_unref(device);
            String nvenc = openNvenc();
            return new FfmpegCapabilities(version, encoders, true, nvenc == null, nvenc == null
                    ? "CUDA: decode on NVDEC, scale with scale_cuda, encode on NVENC"
                    : "CUDA: decode on NVDEC, scale with scale_cuda; encode on the CPU (NVENC: " + nvenc + ")");
        } finally {
            av_log_set_level(AV_LOG_WARNING);
        }
    }

    /** Opens h264_nvenc on 1280x720 30 fps; null when it opens, else why not. */
    private static String openNvenc() {
        AVCodec codec = avcodec_find_encoder_by_name("h264_nvenc");
        if (codec == null) {
            return "not in this FFmpeg build";
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        try {
            context.width(1280).height(720).pix_fmt(AV_PIX_FMT_YUV420P).time_base(av_make_q(1, 30))
                    .framerate(av_make_q(30, 1)).bit_rate(2_500_000);
            int opened = avcodec_open2(context, codec, (AVDictionary) null);
            return opened < 0 ? "cannot open an encoder: " + FfmpegException.describe(opened) + "; FFmpeg 8.1's NVENC needs driver 610 or "
                    + "newer, and some data-centre GPUs have no NVENC" : null;
        } finally {
            avcodec_free_context(context);
        }
    }
}
