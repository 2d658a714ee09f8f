package io.aqueduct.rtmp.internal.flv;

import static io.aqueduct.rtmp.internal.flv.FlvTags.*;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Hub packets and tracks back into FLV tag bodies for RTMP players. A frame's body is a composite of a few
 * header bytes and the packet's own payload, so serving a player never copies media.
 *
 * <p>H.264 uses the classic AVC tags every player knows; HEVC uses Enhanced RTMP ({@code hvc1}), which ffmpeg
 * 6.1+ and OBS 29.1+ play.
 */
public final class MediaToFlv {

    private MediaToFlv() {
    }

    /** Whether a player can be sent this track. */
    public static boolean supports(Track track) {
        return switch (track.codec()) {
            case H264, H265, AAC, MP3 -> true;
            default -> false;
        };
    }

    /** The sequence header announcing a track's configuration, or null when the track has none (MP3, unknown). */
    public static ByteBuf sequenceHeader(ByteBufAllocator alloc, Track track) {
        if (!track.hasConfig()) {
            return null;
        }
        byte[] config = track.config();
        return switch (track.codec()) {
            case H264 -> alloc.buffer(5 + config.length)
                    .writeByte(FRAME_KEY << 4 | VIDEO_AVC).writeByte(AVC_SEQUENCE_HEADER).writeMedium(0)
                    .writeBytes(config);
            case H265 -> alloc.buffer(5 + config.length)
                    .writeByte(EX_HEADER | FRAME_KEY << 4 | EX_SEQUENCE_START).writeInt(FOURCC_HEVC)
                    .writeBytes(config);
            case AAC -> alloc.buffer(2 + config.length).writeByte(aacFlags()).writeByte(AAC_SEQUENCE_HEADER)
                    .writeBytes(config);
            default -> null;
        };
    }

    /**
     * The tag body of one frame: a small header and the packet's payload, which it holds a reference to (the
     * caller still owns the packet). Release the result after writing it.
     */
    public static ByteBuf frame(ByteBufAllocator alloc, MediaPacket packet) {
        Track track = packet.track();
        ByteBuf header;
        switch (track.codec()) {
            case H264 -> header = alloc.buffer(5).writeByte((packet.isKeyframe() ? FRAME_KEY : FRAME_INTER) << 4 | VIDEO_AVC)
                    .writeByte(AVC_NALU).writeMedium(compositionMs(packet));
            case H265 -> header = alloc.buffer(8)
                    .writeByte(EX_HEADER | (packet.isKeyframe() ? FRAME_KEY : FRAME_INTER) << 4 | EX_CODED_FRAMES)
                    .writeInt(FOURCC_HEVC).writeMedium(compositionMs(packet));
            case AAC -> header = alloc.buffer(2).writeByte(aacFlags()).writeByte(AAC_RAW);
            case MP3 -> header = alloc.buffer(1).writeByte(mp3Flags(track));
            default -> throw new IllegalArgumentException(track.codec() + " cannot be carried in FLV");
        }
        CompositeByteBuf body = alloc.compositeBuffer(2);
        body.addComponent(true, header);
        body.addComponent(true, packet.content().retain());
        return body;
    }

    /** The RTMP message timestamp of a packet, in milliseconds. */
    public static long timestampMs(MediaPacket packet) {
        return packet.dts() / 1000;
    }

    private static int compositionMs(MediaPacket packet) {
        return (int) ((packet.pts() - packet.dts()) / 1000);
    }

    /** AAC is always signalled as 44 kHz, 16-bit, stereo; players take the real values from the config. */
    private static int aacFlags() {
        return AUDIO_AAC << 4 | 3 << 2 | 1 << 1 | 1;
    }

    private static int mp3Flags(Track track) {
        int rate = track.sampleRate() >= 44100 ? 3 : track.sampleRate() >= 22050 ? 2 : track.sampleRate() >= 11025 ? 1 : 0;
        return AUDIO_MP3 << 4 | rate << 2 | 1 << 1 | (track.channels() > 1 ? 1 : 0);
    }

    /** Whether a codec is video in FLV terms (message type 9) rather than audio (8). */
    public static boolean isVideo(Codec codec) {
        return codec == Codec.H264 || codec == Codec.H265;
    }
}
