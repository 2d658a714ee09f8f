package io.aqueduct.hls.internal.fmp4;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * Tracks and packets for the fMP4 tests: a real x264 SPS/PPS (320x240 constrained baseline), a real x265
 * VPS/SPS/PPS (320x240 Main, level 2), AAC-LC 44.1 kHz stereo. Payloads are pooled buffers, so leaks are caught.
 */
final class Fmp4Fixtures {
    static final byte[] SPS = ByteBufUtil.decodeHexDump("6742c00dd90141fb0110000003001000000303c0f142a480");
    static final byte[] PPS = ByteBufUtil.decodeHexDump("68cb83cb20");
    static final byte[] AVC_RECORD = avcRecord();
    static final byte[] AAC_CONFIG = {0x12, 0x10};
    /** x265's hvcC for 320x240 Main, trimmed to its VPS, SPS and PPS arrays. */
    static final byte[] HEVC_RECORD = ByteBufUtil.decodeHexDump("0101600000009000000000003cf000fcfdf8f800000f03"
            + "a00001001840010c01ffff01600000030090000003000003003c959809"
            + "a10001002a42010101600000030090000003000003003ca00a080f165959a4932bc05a020000030002000003003c10"
            + "a2000100074401c172b46240");

    static final Track VIDEO = Track.video(0, Codec.H264).config(AVC_RECORD).size(320, 240).build();
    static final Track AUDIO = Track.audio(1, Codec.AAC).config(AAC_CONFIG).audio(44100, 2).build();
    /** No size: the muxer takes it from the SPS. */
    static final Track HEVC = Track.video(0, Codec.H265).config(HEVC_RECORD).build();
    static final Track DATA = Track.data(2, Codec.AMF0).build();

    private Fmp4Fixtures() {
    }

    private static byte[] avcRecord() {
        byte[] r = new byte[6 + 2 + SPS.length + 1 + 2 + PPS.length];
        ByteBuf b = io.netty.buffer.Unpooled.wrappedBuffer(r).clear();
        b.writeByte(1).writeByte(SPS[1]).writeByte(SPS[2]).writeByte(SPS[3]);
        b.writeByte(0xff); // 4-byte NAL lengths
        b.writeByte(0xe1).writeShort(SPS.length).writeBytes(SPS);
        b.writeByte(1).writeShort(PPS.length).writeBytes(PPS);
        return r;
    }

    /** A video packet of one NAL unit of {@code size} bytes (with its 4-byte length), bytes derived from dts. */
    static MediaPacket video(Track track, long dts, long pts, boolean key, int size) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(size + 4);
        b.writeInt(size);
        b.writeByte(key ? 0x65 : 0x41);
        for (int i = 1; i < size; i++) {
            b.writeByte((int) (dts / 1000 + i * 13));
        }
        return MediaPacket.of(track, dts, pts, key, b);
    }

    static MediaPacket video(long dts, long pts, boolean key, int size) {
        return video(VIDEO, dts, pts, key, size);
    }

    static MediaPacket audio(long micros, int size) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(size);
        for (int i = 0; i < size; i++) {
            b.writeByte((int) (micros / 1000 + i * 7));
        }
        return MediaPacket.of(AUDIO, micros, micros, true, b);
    }

    static MediaPacket data(long micros) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(3).writeBytes(new byte[] {2, 0, 0});
        return MediaPacket.of(DATA, micros, micros, true, b);
    }

    static byte[] bytes(MediaPacket p) {
        return ByteBufUtil.getBytes(p.content());
    }

    static void release(List<MediaPacket> packets) {
        packets.forEach(MediaPacket::release);
    }
}
