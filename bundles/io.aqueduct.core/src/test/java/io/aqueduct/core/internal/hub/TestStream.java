package io.aqueduct.core.internal.hub;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/** Builds packets of a 30 fps H.264 + AAC stream and remembers every payload, to check none leaks. */
final class TestStream {
    static final long FRAME_US = 33_333;
    static final Track VIDEO = Track.video(0, Codec.H264).size(1280, 720).config(new byte[] {1, 100, 0, 31}).build();
    static final Track AUDIO = Track.audio(1, Codec.AAC).audio(48_000, 2).config(new byte[] {0x11, (byte) 0x90}).build();

    final List<ByteBuf> payloads = new ArrayList<>();
    final List<byte[]> arrays = new ArrayList<>();

    MediaPacket video(long dts, boolean keyframe) {
        return MediaPacket.of(VIDEO, dts, dts, keyframe, payload(keyframe ? 4000 : 1200));
    }

    MediaPacket audio(long dts) {
        return MediaPacket.of(AUDIO, dts, dts, true, payload(300));
    }

    private ByteBuf payload(int size) {
        byte[] bytes = new byte[size];
        bytes[0] = (byte) payloads.size();
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        payloads.add(buf);
        arrays.add(bytes);
        return buf;
    }

    /** Payloads still referenced by someone. */
    long alive() {
        return payloads.stream().filter(b -> b.refCnt() > 0).count();
    }
}
