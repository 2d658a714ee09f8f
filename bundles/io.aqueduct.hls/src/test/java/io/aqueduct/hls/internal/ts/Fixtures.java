package io.aqueduct.hls.internal.ts;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/** Tracks and packets for the muxer tests: a real x264 SPS/PPS (320x240 baseline) and AAC-LC 44.1 kHz stereo. */
final class Fixtures {
    static final byte[] SPS = ByteBufUtil.decodeHexDump("6742c00dd90141fb0110000003001000000303c0f142a480");
    static final byte[] PPS = ByteBufUtil.decodeHexDump("68cb83cb20");
    static final byte[] AVC_RECORD = avcRecord(3);
    static final byte[] AAC_CONFIG = {0x12, 0x10};

    static final Track VIDEO = Track.video(0, Codec.H264).config(AVC_RECORD).size(320, 240).build();
    static final Track AUDIO = Track.audio(1, Codec.AAC).config(AAC_CONFIG).audio(44100, 2).build();

    private Fixtures() {
    }

    /** An AVCDecoderConfigurationRecord with the fixture's SPS and PPS and the given lengthSizeMinusOne. */
    static byte[] avcRecord(int lengthSizeMinusOne) {
        ByteBuf b = io.netty.buffer.Unpooled.buffer();
        b.writeByte(1).writeByte(SPS[1]).writeByte(SPS[2]).writeByte(SPS[3]);
        b.writeByte(0xfc | lengthSizeMinusOne);
        b.writeByte(0xe1).writeShort(SPS.length).writeBytes(SPS);
        b.writeByte(1).writeShort(PPS.length).writeBytes(PPS);
        return ByteBufUtil.getBytes(b);
    }

    /** A pooled (so leak-checked) payload of 4-byte-length-prefixed NAL units. */
    static ByteBuf nalUnits(byte[]... nals) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer();
        for (byte[] nal : nals) {
            b.writeInt(nal.length).writeBytes(nal);
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    static byte[] nal(int header, int size, int seed) {
        byte[] n = new byte[size];
        n[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            n[i] = (byte) (seed + i * 31 | 0x01); // never two zero bytes in a row: no emulation prevention needed
        }
        return n;
    }

    static MediaPacket video(long dtsMicros, long ptsMicros, boolean keyframe, byte[]... nals) {
        return MediaPacket.of(VIDEO, dtsMicros, ptsMicros, keyframe, nalUnits(nals));
    }

    static MediaPacket audio(long micros, int size) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(size);
        for (int i = 0; i < size; i++) {
            b.writeByte(i * 7);
        }
        return MediaPacket.of(AUDIO, micros, micros, true, b);
    }
}
