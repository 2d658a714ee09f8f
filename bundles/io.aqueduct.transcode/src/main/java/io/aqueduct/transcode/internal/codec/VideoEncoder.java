package io.aqueduct.transcode.internal.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.aqueduct.api.codec.AnnexB;
import io.aqueduct.api.codec.MalformedConfigException;
import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.ffmpeg.FfmpegException;
import io.aqueduct.transcode.internal.ladder.Ladder.PlannedRendition;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Encodes one rendition to H.264 for live viewing: no B-frames, no look-ahead, a frame in gives its packet out at
 * once, and a keyframe exactly where the caller asks for one and nowhere else (scene cuts and the encoder's own GOP
 * are off), so every rendition of a stream has its keyframes at the same timestamps. Rate control: the target
 * bitrate, capped at it over a one-second buffer. Packets come out as hub packets (length-prefixed, the SPS and PPS
 * in the track's configuration), timestamps in microseconds. Not thread-safe: one thread encodes.
 */
public final class VideoEncoder implements AutoCloseable {
    private final String name;
    private final AVCodecContext context;
    private final AVPacket packet;
    private final Track track;
    private long frames;

    /**
     * @param encoder FFmpeg's encoder name: {@code libx264}, {@code libopenh264} or {@code h264_nvenc}
     * @param pixelFormat FFmpeg's name of the frames' pixel format
     * @param frameRate the source's frame rate (rate control spreads the bits over it)
     * @param preset libx264's preset ({@code veryfast}); ignored by the others
     * @param trackId the id of the rendition's video track
     */
    public VideoEncoder(String encoder, PlannedRendition rendition, String pixelFormat, AVRational frameRate,
            String preset, int trackId) throws FfmpegException {
        this.name = encoder;
        AVCodec codec = avcodec_find_encoder_by_name(encoder);
        if (codec == null) {
            throw new FfmpegException("this FFmpeg build has no encoder " + encoder);
        }
        context = avcodec_alloc_context3(codec);
        packet = av_packet_alloc();
        long bitrate = rendition.rendition().videoBitrate();
        context.width(rendition.width()).height(rendition.height()).pix_fmt(av_get_pix_fmt(pixelFormat))
                .time_base(av_make_q(1, 1_000_000)).framerate(frameRate)
                .bit_rate(bitrate).rc_max_rate(bitrate).rc_buffer_size((int) Math.min(Integer.MAX_VALUE, bitrate))
                .max_b_frames(0).flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        AVDictionary options = new AVDictionary(null);
        switch (encoder) {
            case "libx264" -> {
                av_dict_set(options, "preset", preset, 0);
                av_dict_set(options, "tune", "zerolatency", 0);
                av_dict_set(options, "forced-idr", "1", 0);
                // keyframes only where asked: no scene cuts, no GOP of its own
                av_dict_set(options, "x264-params", "scenecut=0:keyint=infinite", 0);
            }
            case "h264_nvenc" -> {
                av_dict_set(options, "preset", "p4", 0);
                av_dict_set(options, "tune", "ll", 0);
                av_dict_set(options, "zerolatency", "1", 0);
                av_dict_set(options, "forced-idr", "1", 0);
                av_dict_set(options, "rc", "cbr", 0);
                context.gop_size(Integer.MAX_VALUE);
            }
            case "libopenh264" -> {
                av_dict_set(options, "allow_skip_frames", "0", 0);
                context.gop_size(Integer.MAX_VALUE);
            }
            default -> {
            }
        }
        try {
            int opened = avcodec_open2(context, codec, options);
            if (opened < 0) {
                throw new FfmpegException("opening " + encoder + " for " + rendition.width() + "x" + rendition.height()
                        + " at " + bitrate / 1000 + " kb/s", opened);
            }
            if (context.extradata_size() <= 0) {
                throw new FfmpegException(encoder + " gave no SPS and PPS");
            }
            byte[] config = AnnexB.decoderConfig(Codec.H264, Unpooled.wrappedBuffer(
                    Packets.bytes(context.extradata(), context.extradata_size())));
            track = Track.video(trackId, Codec.H264).config(config).size(rendition.width(), rendition.height())
                    .bitrate(bitrate).build();
        } catch (FfmpegException | MalformedConfigException | RuntimeException e) {
            close();
            throw e instanceof FfmpegException f ? f : new FfmpegException(encoder + ": " + e.getMessage());
        } finally {
            av_dict_free(options);
        }
    }

    public String name() {
        return name;
    }

    /** The rendition's video track: its size, target bitrate and H.264 configuration. */
    public Track track() {
        return track;
    }

    public long frames() {
        return frames;
    }

    /**
     * Encodes a scaled frame ({@code pts} in microseconds); a keyframe when {@code keyframe}.
     *
     * @param out given each packet that is ready; it takes over the packet's reference
     */
    public void encode(AVFrame frame, boolean keyframe, Consumer<MediaPacket> out) throws FfmpegException {
        frame.pict_type(keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        int sent = avcodec_send_frame(context, frame);
        if (sent < 0) {
            throw new FfmpegException(name + " refused a frame", sent);
        }
        frames++;
        receive(out);
    }

    /** Drains what the encoder still holds (the end of the stream). */
    public void flush(Consumer<MediaPacket> out) throws FfmpegException {
        avcodec_send_frame(context, (AVFrame) null);
        receive(out);
    }

    private void receive(Consumer<MediaPacket> out) throws FfmpegException {
        while (true) {
            int got = avcodec_receive_packet(context, packet);
            if (got == Packets.EAGAIN || got == AVERROR_EOF) {
                return;
            }
            if (got < 0) {
                throw new FfmpegException(name + " failed on a frame", got);
            }
            try {
                byte[] data = Packets.bytes(packet);
                out.accept(MediaPacket.of(track, packet.dts(), packet.pts(),
                        (packet.flags() & AV_PKT_FLAG_KEY) != 0,
                        AnnexB.toLengthPrefixed(Codec.H264, Unpooled.wrappedBuffer(data), ByteBufAllocator.DEFAULT)));
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    @Override
    public void close() {
        avcodec_free_context(context);
        av_packet_free(packet);
    }
}
