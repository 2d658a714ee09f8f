package io.aqueduct.transcode.internal.codec;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.ffmpeg.FfmpegException;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;

/** Moving payloads between hub packets and FFmpeg. */
final class Packets {
    /** AVERROR(EAGAIN) on Linux: the codec wants input (or output taken) before it can go on. */
    static final int EAGAIN = -11;

    private Packets() {
    }

    /** Copies a hub packet into {@code packet} (unreferenced before), timestamps in microseconds. */
    static void fill(AVPacket packet, MediaPacket source) throws FfmpegException {
        int size = source.size();
        int made = av_new_packet(packet, size);
        if (made < 0) {
            throw new FfmpegException("allocating a packet of " + size + " bytes", made);
        }
        packet.data().capacity(size).asByteBuffer().put(source.content().nioBuffer());
        packet.pts(source.pts()).dts(source.dts());
    }

    /** Gives a decoder its configuration (FFmpeg owns and frees extradata: av_malloc'd, zero padding after it). */
    static void setExtradata(AVCodecContext context, byte[] config) {
        if (config.length == 0) {
            return;
        }
        BytePointer extradata = new BytePointer(av_malloc(config.length + AV_INPUT_BUFFER_PADDING_SIZE))
                .capacity(config.length + AV_INPUT_BUFFER_PADDING_SIZE);
        extradata.put(config, 0, config.length);
        for (int i = config.length; i < config.length + AV_INPUT_BUFFER_PADDING_SIZE; i++) {
            extradata.put(i, (byte) 0);
        }
        context.extradata(extradata).extradata_size(config.length);
    }

    /** The packet's payload, copied out. */
    static byte[] bytes(AVPacket packet) {
        byte[] out = new byte[packet.size()];
        packet.data().get(out);
        return out;
    }

    /** {@code length} bytes from a native buffer (an encoder's extradata). */
    static byte[] bytes(BytePointer data, int length) {
        byte[] out = new byte[length];
        data.get(out, 0, length);
        return out;
    }
}
