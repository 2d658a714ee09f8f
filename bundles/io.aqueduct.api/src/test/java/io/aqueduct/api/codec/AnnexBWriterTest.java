package io.aqueduct.api.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBWriterTest {
    static final byte[] START = {0, 0, 0, 1};
    static final byte[] AUD = {0, 0, 0, 1, 9, (byte) 0xf0};
    /** x264's SPS (320x240 Constrained Baseline) and PPS. */
    static final byte[] SPS = ByteBufUtil.decodeHexDump("6742c00dd90141fb0110000003001000000303c0f142a480");
    static final byte[] PPS = ByteBufUtil.decodeHexDump("68cb83cb20");
    static final byte[] AVC_RECORD = avcRecord(3);

    /** An AVCDecoderConfigurationRecord with the fixture's SPS and PPS and the given lengthSizeMinusOne. */
    static byte[] avcRecord(int lengthSizeMinusOne) {
        return concat(new byte[] {1, SPS[1], SPS[2], SPS[3], (byte) (0xfc | lengthSizeMinusOne), (byte) 0xe1, 0,
            (byte) SPS.length}, SPS, new byte[] {1, 0, (byte) PPS.length}, PPS);
    }

    @Test
    void keyframeGetsAudThenSpsPpsThenItsNalUnits() throws Exception {
        AnnexBWriter annexB = AnnexBWriter.of(AvcDecoderConfig.parse(AVC_RECORD));
        byte[] sei = nal(0x06, 20, 1);
        byte[] idr = nal(0x65, 300, 2);
        ByteBuf payload = lengthPrefixed(sei, idr);
        try {
            byte[] out = concat(annexB.accessUnit(payload, true));
            assertArrayEquals(concat(AUD, START, SPS, START, PPS, START, sei, START, idr), out);
            assertEquals(0, payload.readerIndex(), "the payload is only read through views");
        } finally {
            payload.release();
        }
    }

    @Test
    void otherFramesGetOnlyTheAud() throws Exception {
        AnnexBWriter annexB = AnnexBWriter.of(AvcDecoderConfig.parse(AVC_RECORD));
        byte[] slice = nal(0x41, 50, 3);
        ByteBuf payload = lengthPrefixed(slice);
        try {
            List<ByteBuf> parts = annexB.accessUnit(payload, false);
            assertArrayEquals(concat(AUD, START, slice), concat(parts));
            payload.setByte(5, 0x7e);
            assertEquals(0x7e, parts.get(2).getByte(1), "a view of the payload, not a copy");
        } finally {
            payload.release();
        }
    }

    @Test
    void audInThePayloadIsNotRepeated() throws Exception {
        AnnexBWriter annexB = AnnexBWriter.of(AvcDecoderConfig.parse(AVC_RECORD));
        byte[] slice = nal(0x41, 10, 4);
        ByteBuf payload = lengthPrefixed(new byte[] {9, (byte) 0x30}, slice);
        try {
            assertArrayEquals(concat(AUD, START, slice), concat(annexB.accessUnit(payload, false)));
        } finally {
            payload.release();
        }
    }

    @Test
    void twoByteNalLengths() throws Exception {
        AnnexBWriter annexB = AnnexBWriter.of(AvcDecoderConfig.parse(avcRecord(1)));
        byte[] a = nal(0x41, 5, 5);
        byte[] b = nal(0x41, 7, 6);
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer();
        payload.writeShort(a.length).writeBytes(a).writeShort(b.length).writeBytes(b);
        try {
            assertArrayEquals(concat(AUD, START, a, START, b), concat(annexB.accessUnit(payload, false)));
        } finally {
            payload.release();
        }
    }

    @Test
    void hevcKeyframesGetTheirAudAndVpsSpsPps() throws Exception {
        HevcDecoderConfig config = HevcDecoderConfig.parse(HevcDecoderConfigTest.HEVC_RECORD);
        AnnexBWriter annexB = AnnexBWriter.of(config);
        byte[] idr = nal(0x26, 40, 7); // IDR_W_RADL (19 << 1), nuh_temporal_id_plus1 in the next byte
        byte[] aud = {0x46, 0x01, 0x10};
        ByteBuf payload = lengthPrefixed(aud, idr);
        try {
            byte[] hevcAud = {0, 0, 0, 1, 0x46, 0x01, 0x50};
            assertArrayEquals(concat(hevcAud, START, config.vps().get(0), START, config.sps().get(0), START,
                    config.pps().get(0), START, idr), concat(annexB.accessUnit(payload, true)));
            assertArrayEquals(concat(hevcAud, START, idr), concat(annexB.accessUnit(payload, false)));
        } finally {
            payload.release();
        }
    }

    @Test
    void rejectsLengthsThatOverrunThePayload() throws Exception {
        AnnexBWriter annexB = AnnexBWriter.of(AvcDecoderConfig.parse(AVC_RECORD));
        ByteBuf overrun = ByteBufAllocator.DEFAULT.buffer().writeInt(100).writeBytes(new byte[99]);
        ByteBuf truncatedLength = ByteBufAllocator.DEFAULT.buffer().writeInt(1).writeByte(0x41).writeShort(0);
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> annexB.accessUnit(overrun, false));
            assertEquals("NAL unit of 100 bytes at offset 4 overruns the access unit (99 left)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> annexB.accessUnit(truncatedLength, false));
        } finally {
            overrun.release();
            truncatedLength.release();
        }
    }

    /** A pooled (so leak-checked) payload of 4-byte-length-prefixed NAL units. */
    static ByteBuf lengthPrefixed(byte[]... nals) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer();
        for (byte[] nal : nals) {
            b.writeInt(nal.length).writeBytes(nal);
        }
        return b;
    }

    /** A NAL unit with never two zero bytes in a row: no emulation prevention needed, no start code inside. */
    static byte[] nal(int header, int size, int seed) {
        byte[] n = new byte[size];
        n[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            n[i] = (byte) (seed + i * 31 | 0x01);
        }
        return n;
    }

    static byte[] concat(List<ByteBuf> parts) {
        ByteBuf all = io.netty.buffer.Unpooled.buffer();
        for (ByteBuf b : parts) {
            all.writeBytes(b, b.readerIndex(), b.readableBytes());
        }
        return ByteBufUtil.getBytes(all);
    }

    static byte[] concat(byte[]... parts) {
        ByteBuf all = io.netty.buffer.Unpooled.buffer();
        for (byte[] b : parts) {
            all.writeBytes(b);
        }
        return ByteBufUtil.getBytes(all);
    }
}
