package io.aqueduct.hls.internal.ts;

import io.netty.buffer.ByteBuf;

/** The 90 kHz, 33-bit clock of PTS, DTS and the PCR base (ISO/IEC 13818-1 2.4.3.7 and 2.4.2.2). */
public final class TsTimestamps {
    /** PTS, DTS and the PCR base count modulo 2^33. */
    public static final long MASK_33 = (1L << 33) - 1;

    private TsTimestamps() {
    }

    /**
     * Microseconds (the hub's unit) to 90 kHz ticks, rounded to the nearest tick (so 29.97 fps frames of 33 367
     * and 33 366 microseconds both stay 3003 ticks apart) and wrapped to 33 bits; negative times wrap too.
     */
    public static long toTicks(long micros) {
        return Math.floorDiv(micros * 9 + 50, 100) & MASK_33;
    }

    /**
     * Writes a 5-byte PTS or DTS field: the 4-bit prefix ({@code 0b0010} PTS only, {@code 0b0011} PTS followed by
     * DTS, {@code 0b0001} that DTS), then the 33 bits split 3/15/15, each part followed by a marker bit.
     */
    static void writeTimestamp(ByteBuf out, int prefix, long ticks) {
        long t = ticks & MASK_33;
        out.writeByte((prefix << 4) | (int) ((t >>> 29) & 0x0e) | 1);
        out.writeShort((int) (((t >>> 14) & 0xfffe) | 1));
        out.writeShort((int) (((t << 1) & 0xfffe) | 1));
    }

    /** Writes the 6-byte PCR field: 33-bit base, 6 reserved bits, 9-bit extension (here always 0). */
    static void writePcr(ByteBuf out, long baseTicks) {
        long base = baseTicks & MASK_33;
        out.writeInt((int) (base >>> 1));
        out.writeByte((int) ((base & 1) << 7) | 0x7e);
        out.writeByte(0);
    }
}
