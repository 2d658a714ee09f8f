package io.aqueduct.edge.internal.testing;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.HexFormat;

/** H.264-like and AAC-like tracks and packets whose payloads come from the (leak-tracked) allocator. */
public final class TestMedia {
    /** An AVCDecoderConfigurationRecord from ffmpeg 5.1 with libx264 (1280x720 High 3.1). */
    public static final byte[] AVC_720P = HexFormat.of().parseHex(
            "0164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800");
    /** Another configuration record (made-up SPS and PPS bytes), standing for a change to 640x360. */
    public static final byte[] AVC_360P = HexFormat.of().parseHex(
            "0164001effe100096764001eacd940a02f01000468ebe3cb");
    /** AudioSpecificConfig: AAC LC, 44.1 kHz, stereo. */
    public static final byte[] AAC_LC_44K_STEREO = {0x12, 0x10};

    public static final Track VIDEO = Track.video(0, Codec.H264).config(AVC_720P).size(1280, 720)
            .bitrate(2_500_000).build();
    public static final Track AUDIO = Track.audio(1, Codec.AAC).config(AAC_LC_44K_STEREO).audio(44_100, 2)
            .bitrate(128_000).build();

    private TestMedia() {
    }

    /** A packet of {@code track} whose payload is {@code size} bytes derived from {@code seed}. */
    public static MediaPacket packet(Track track, long dtsMicros, long ptsMicros, boolean keyframe, int size,
            int seed) {
        return MediaPacket.of(track, dtsMicros, ptsMicros, keyframe, payload(size, seed));
    }

    /**
     * A buffer from the allocator (so the leak detector tracks it) holding {@link #bytes}. Written in one call:
     * under the paranoid detector every access to a tracked buffer records a stack trace.
     */
    public static ByteBuf payload(int size, int seed) {
        return ByteBufAllocator.DEFAULT.buffer(size).writeBytes(bytes(size, seed));
    }

    public static byte[] bytes(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }
}
