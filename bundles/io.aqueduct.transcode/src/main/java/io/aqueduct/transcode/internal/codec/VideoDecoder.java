package io.aqueduct.transcode.internal.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.ffmpeg.FfmpegException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Decodes one video track (H.264 or HEVC, length-prefixed, configured by the track's decoder configuration) to
 * frames; on NVDEC when given a CUDA device (the frames are then in GPU memory). Timestamps stay in microseconds.
 * Bad input is counted, never thrown: a corrupt packet costs that packet (and what refers to it), not the stream.
 * Not thread-safe: one thread decodes.
 */
public final class VideoDecoder implements AutoCloseable {
    /** Given each decoded frame; the frame is only valid during the call. */
    @FunctionalInterface
    public interface FrameSink {
        void accept(AVFrame frame) throws FfmpegException;
    }

    /** FF_THREAD_SLICE of avcodec.h. */
    private static final int THREAD_SLICE = 2;

    private final Track track;
    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame frame;
    private long errors;

    /**
     * @param cudaDevice a CUDA device context to decode on NVDEC, or null to decode on the CPU
     * @throws FfmpegException when the decoder cannot be opened (an unsupported codec, a configuration FFmpeg refuses)
     */
    public VideoDecoder(Track track, AVBufferRef cudaDevice) throws FfmpegException {
        this.track = track;
        int id = track.codec() == Codec.H264 ? AV_CODEC_ID_H264 : track.codec() == Codec.H265 ? AV_CODEC_ID_HEVC : -1;
        AVCodec codec = id < 0 ? null : avcodec_find_decoder(id);
        if (codec == null) {
            throw new FfmpegException("no decoder for " + track.codec() + ": publish H.264 or HEVC video");
        }
        context = avcodec_alloc_context3(codec);
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        Packets.setExtradata(context, track.config());
        context.pkt_timebase(av_make_q(1, 1_000_000));
        // slice threads add no delay; frame threads would hold a frame per thread
        context.thread_type(THREAD_SLICE).thread_count(0);
        if (cudaDevice != null) {
            // with a device set, FFmpeg's default format negotiation picks CUDA frames (NVDEC)
            context.hw_device_ctx(av_buffer_ref(cudaDevice));
        }
        int opened = avcodec_open2(context, codec, (AVDictionary) null);
        if (opened < 0) {
            close();
            throw new FfmpegException("opening the " + track.codec() + " decoder" + (cudaDevice != null ? " on NVDEC"
                    : ""), opened);
        }
    }

    public Track track() {
        return track;
    }

    /** Packets FFmpeg refused and frames it could not produce, since the start. */
    public long errors() {
        return errors;
    }

    /** Decodes one packet and hands every frame that is ready to {@code sink}. */
    public void decode(MediaPacket source, FrameSink sink) throws FfmpegException {
        Packets.fill(packet, source);
        try {
            int sent = avcodec_send_packet(context, packet);
            if (sent < 0 && sent != Packets.EAGAIN) {
                errors++;
            }
        } finally {
            av_packet_unref(packet);
        }
        receive(sink);
    }

    /** Drains the frames the decoder still holds (at the end of a stream or before a new configuration). */
    public void flush(FrameSink sink) throws FfmpegException {
        avcodec_send_packet(context, (AVPacket) null);
        receive(sink);
    }

    private void receive(FrameSink sink) throws FfmpegException {
        while (true) {
            int got = avcodec_receive_frame(context, frame);
            if (got == Packets.EAGAIN || got == AVERROR_EOF) {
                return;
            }
            if (got < 0) {
                errors++;
                return;
            }
            try {
                if (frame.decode_error_flags() != 0) {
                    errors++; // concealed: the frame is shown, the damage is counted
                }
                sink.accept(frame);
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    @Override
    public void close() {
        avcodec_free_context(context);
        av_packet_free(packet);
        av_frame_free(frame);
    }
}
