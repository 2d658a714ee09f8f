package io.aqueduct.transcode.internal.codec;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_parameters_set;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_init_str;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_CUDA;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.aqueduct.ffmpeg.FfmpegException;
import io.aqueduct.transcode.internal.ladder.Ladder.PlannedRendition;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avfilter.AVBufferSrcParameters;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;

/**
 * One decoded picture in, one scaled picture per rendition out: an FFmpeg filter graph {@code buffer -> split ->
 * scale -> format} per rendition, or on the GPU {@code buffer -> split -> scale_cuda -> hwdownload -> format=nv12 ->
 * format} (the encoders read system memory; NV12, or planar 4:2:0 converted on the CPU for openh264). Built for the size and pixel format of the first frame it is given; a frame of
 * another size needs a new graph. Not thread-safe: one thread filters.
 */
public final class ScaleGraph implements AutoCloseable {
    /** The pixel format the encoders are given: NV12 from the GPU (what NVDEC makes), YUV 4:2:0 planar otherwise. */
    private final String outputFormat;
    private final AVFilterGraph graph = avfilter_graph_alloc();
    private AVFilterContext source;
    private final List<AVFilterContext> sinks = new ArrayList<>();
    private final int width;
    private final int height;
    private final boolean gpu;

    /**
     * @param first a decoded frame: its size, pixel format and (for CUDA frames) hardware frames context
     * @param scaleFlags the software scaler's algorithm ({@code bicubic}, {@code bilinear}, ...)
     * @param planar420 whether the encoders need planar 4:2:0 (openh264) even from the GPU, which gives NV12
     */
    public ScaleGraph(AVFrame first, List<PlannedRendition> renditions, String scaleFlags, boolean planar420)
            throws FfmpegException {
        width = first.width();
        height = first.height();
        gpu = first.format() == AV_PIX_FMT_CUDA;
        outputFormat = gpu && !planar420 ? "nv12" : "yuv420p";
        try {
            // allocated, given its parameters (with CUDA frames: the decoder's frames context), then initialised:
            // FFmpeg 8 refuses a hardware pixel format at initialisation without the frames context
            source = avfilter_graph_alloc_filter(graph, avfilter_get_by_name("buffer"), "in");
            if (source == null) {
                throw new FfmpegException("cannot allocate the buffer source");
            }
            AVBufferSrcParameters parameters = av_buffersrc_parameters_alloc();
            parameters.format(first.format()).width(width).height(height).time_base(av_make_q(1, 1_000_000))
                    .sample_aspect_ratio(av_make_q(1, 1));
            if (gpu) {
                parameters.hw_frames_ctx(first.hw_frames_ctx()); // the source takes a reference of its own
            }
            int set = av_buffersrc_parameters_set(source, parameters);
            av_free(parameters);
            check(set, "giving the buffer source the decoder's frames");
            check(avfilter_init_str(source, (String) null), "initialising the buffer source");
            AVFilterContext split = new AVFilterContext();
            check(avfilter_graph_create_filter(split, avfilter_get_by_name("split"), "split",
                    Integer.toString(renditions.size()), (Pointer) null, graph), "creating split");
            check(avfilter_link(source, 0, split, 0), "linking the source to split");
            for (int i = 0; i < renditions.size(); i++) {
                PlannedRendition r = renditions.get(i);
                List<String[]> chain = new ArrayList<>();
                if (gpu) {
                    chain.add(new String[] {"scale_cuda", "w=" + r.width() + ":h=" + r.height()});
                    chain.add(new String[] {"hwdownload", null});
                    chain.add(new String[] {"format", "pix_fmts=nv12"}); // what hwdownload gives NVDEC's frames
                } else {
                    chain.add(new String[] {"scale", "w=" + r.width() + ":h=" + r.height() + ":flags=" + scaleFlags});
                }
                chain.add(new String[] {"format", "pix_fmts=" + outputFormat});
                AVFilterContext previous = split;
                int pad = i;
                for (String[] f : chain) {
                    AVFilterContext next = new AVFilterContext();
                    check(avfilter_graph_create_filter(next, avfilter_get_by_name(f[0]), f[0] + i, f[1],
                            (Pointer) null, graph), "creating " + f[0] + (f[1] == null ? "" : "=" + f[1]));
                    check(avfilter_link(previous, pad, next, 0), "linking " + f[0]);
                    previous = next;
                    pad = 0;
                }
                AVFilterContext sink = new AVFilterContext();
                check(avfilter_graph_create_filter(sink, avfilter_get_by_name("buffersink"), "out" + i, (String) null,
                        (Pointer) null, graph), "creating a buffer sink");
                check(avfilter_link(previous, 0, sink, 0), "linking a buffer sink");
                sinks.add(sink);
            }
            check(avfilter_graph_config(graph, (Pointer) null), "configuring the scaling graph for " + width + "x"
                    + height + (gpu ? " on the GPU" : ""));
        } catch (FfmpegException e) {
            close();
            throw e;
        }
    }

    private static void check(int result, String what) throws FfmpegException {
        if (result < 0) {
            throw new FfmpegException(what, result);
        }
    }

    /** Whether a frame fits this graph (same size, same memory). */
    public boolean accepts(AVFrame frame) {
        return frame.width() == width && frame.height() == height && (frame.format() == AV_PIX_FMT_CUDA) == gpu;
    }

    public boolean onGpu() {
        return gpu;
    }

    /** FFmpeg's name of the encoders' input pixel format. */
    public String outputFormat() {
        return outputFormat;
    }

    /** Puts a frame in (the caller keeps its own reference). */
    public void push(AVFrame frame) throws FfmpegException {
        check(av_buffersrc_add_frame_flags(source, frame, AV_BUFFERSRC_FLAG_KEEP_REF), "filtering a frame");
    }

    /**
     * Takes the next scaled frame of rendition {@code index} into {@code out} (unreferenced before).
     *
     * @return false when that rendition has no frame ready
     */
    public boolean pull(int index, AVFrame out) throws FfmpegException {
        int got = av_buffersink_get_frame(sinks.get(index), out);
        if (got == Packets.EAGAIN || got == AVERROR_EOF) {
            return false;
        }
        check(got, "taking a scaled frame");
        return true;
    }

    @Override
    public void close() {
        avfilter_graph_free(graph);
    }
}
