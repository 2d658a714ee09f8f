package io.aqueduct.hls.internal.ts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aqueduct.api.codec.MalformedTsException;
import io.aqueduct.api.codec.PesPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class TsTimestampsTest {

    @Test
    void microsecondsToNinetyKilohertz() {
        assertEquals(0, TsTimestamps.toTicks(0));
        assertEquals(90_000, TsTimestamps.toTicks(1_000_000));
        assertEquals(3003, TsTimestamps.toTicks(33_366)); // a 29.97 fps frame, rounded to nearest
        assertEquals(3003, TsTimestamps.toTicks(33_367));
        assertEquals(1, TsTimestamps.toTicks(12));
    }

    @Test
    void wrapsAt33Bits() {
        long wrapMicros = (1L << 33) * 100 / 9 + 1; // just past 2^33 ticks (about 26.5 hours)
        assertEquals(0, TsTimestamps.toTicks(wrapMicros));
        assertEquals(90_000, TsTimestamps.toTicks(wrapMicros + 1_000_000));
        assertEquals(TsTimestamps.MASK_33, TsTimestamps.toTicks(wrapMicros - 12));
        assertEquals((1L << 33) - 90_000, TsTimestamps.toTicks(-1_000_000), "negative times wrap too");
    }

    @Test
    void ptsFieldLayout() {
        assertArrayEquals(new byte[] {0x21, 0x00, 0x01, 0x00, 0x01}, field(0b0010, 0));
        assertArrayEquals(new byte[] {0x2f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                field(0b0010, TsTimestamps.MASK_33));
        // 2^32: only the top bit of the first part set
        assertArrayEquals(new byte[] {0x39, 0x00, 0x01, 0x00, 0x01}, field(0b0011, 1L << 32));
        assertArrayEquals(new byte[] {0x11, 0x00, 0x0b, 0x7e, 0x41}, field(0b0001, 180_000));
    }

    @Test
    void ptsFieldRoundTrips() throws Exception {
        java.util.Random r = new java.util.Random(8216);
        for (int i = 0; i < 10_000; i++) {
            long t = r.nextLong() & TsTimestamps.MASK_33;
            assertEquals(t, readPts(field(0b0010, t)));
        }
        assertEquals(5, readPts(field(0b0010, (1L << 33) + 5)), "only 33 bits are written");
    }

    /** The PTS as the API's demuxer reads it from a PES header around the field. */
    private static long readPts(byte[] field) throws MalformedTsException {
        ByteBuf pes = Unpooled.buffer().writeMedium(1).writeByte(0xe0).writeShort(0).writeByte(0x84).writeByte(0x80)
                .writeByte(5).writeBytes(field);
        return PesPacket.parse(pes).pts();
    }

    @Test
    void pcrBase() {
        ByteBuf b = Unpooled.buffer();
        TsTimestamps.writePcr(b, (1L << 33) - 1);
        assertEquals("fffffffffe00", ByteBufUtil.hexDump(b));
        b.clear();
        TsTimestamps.writePcr(b, 1);
        assertEquals("00000000fe00", ByteBufUtil.hexDump(b));
    }

    private static byte[] field(int prefix, long ticks) {
        ByteBuf b = Unpooled.buffer(5);
        TsTimestamps.writeTimestamp(b, prefix, ticks);
        return ByteBufUtil.getBytes(b);
    }
}
