package io.aqueduct.hls.internal.ts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aqueduct.api.codec.AvcDecoderConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBTest {
    private static final byte[] START = {0, 0, 0, 1};
    private static final byte[] AUD = {0, 0, 0, 1, 9, (byte) 0xf0};

    @Test
    void keyframeGetsAudThenSpsPpsThenItsNalUnits() throws Exception {
        AnnexB annexB = AnnexB.of(AvcDecoderConfig.parse(Fixtures.AVC_RECORD));
        byte[] sei = Fixtures.nal(0x06, 20, 1);
        byte[] idr = Fixtures.nal(0x65, 300, 2);
        ByteBuf payload = Fixtures.nalUnits(sei, idr);
        try {
            byte[] out = concat(annexB.accessUnit(payload, true));
            assertArrayEquals(concat(AUD, START, Fixtures.SPS, START, Fixtures.PPS, START, sei, START, idr), out);
            assertEquals(0, payload.readerIndex(), "the payload is only read through views");
        } finally {
            payload.release();
        }
    }

    @Test
    void otherFramesGetOnlyTheAud() throws Exception {
        AnnexB annexB = AnnexB.of(AvcDecoderConfig.parse(Fixtures.AVC_RECORD));
        byte[] slice = Fixtures.nal(0x41, 50, 3);
        ByteBuf payload = Fixtures.nalUnits(slice);
        try {
            assertArrayEquals(concat(AUD, START, slice), concat(annexB.accessUnit(payload, false)));
        } finally {
            payload.release();
        }
    }

    @Test
    void audInThePayloadIsNotRepeated() throws Exception {
        AnnexB annexB = AnnexB.of(AvcDecoderConfig.parse(Fixtures.AVC_RECORD));
        byte[] slice = Fixtures.nal(0x41, 10, 4);
        ByteBuf payload = Fixtures.nalUnits(new byte[] {9, (byte) 0x30}, slice);
        try {
            assertArrayEquals(concat(AUD, START, slice), concat(annexB.accessUnit(payload, false)));
        } finally {
            payload.release();
        }
    }

    @Test
    void twoByteNalLengths() throws Exception {
        AnnexB annexB = AnnexB.of(AvcDecoderConfig.parse(Fixtures.avcRecord(1)));
        byte[] a = Fixtures.nal(0x41, 5, 5);
        byte[] b = Fixtures.nal(0x41, 7, 6);
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer();
        payload.writeShort(a.length).writeBytes(a).writeShort(b.length).writeBytes(b);
        try {
            assertArrayEquals(concat(AUD, START, a, START, b), concat(annexB.accessUnit(payload, false)));
        } finally {
            payload.release();
        }
    }

    @Test
    void rejectsLengthsThatOverrunThePayload() throws Exception {
        AnnexB annexB = AnnexB.of(AvcDecoderConfig.parse(Fixtures.AVC_RECORD));
        ByteBuf overrun = ByteBufAllocator.DEFAULT.buffer().writeInt(100).writeBytes(new byte[99]);
        ByteBuf truncatedLength = ByteBufAllocator.DEFAULT.buffer().writeInt(1).writeByte(0x41).writeShort(0);
        try {
            assertThrows(IllegalArgumentException.class, () -> annexB.accessUnit(overrun, false));
            assertThrows(IllegalArgumentException.class, () -> annexB.accessUnit(truncatedLength, false));
        } finally {
            overrun.release();
            truncatedLength.release();
        }
    }

    static byte[] concat(List<ByteBuf> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b : parts) {
            out.writeBytes(ByteBufUtil.getBytes(b));
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
