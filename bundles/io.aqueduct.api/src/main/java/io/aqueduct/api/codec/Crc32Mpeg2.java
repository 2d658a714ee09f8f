package io.aqueduct.api.codec;

import io.netty.buffer.ByteBuf;

/** The CRC_32 of PSI sections (ISO/IEC 13818-1 annex A): polynomial 0x04C11DB7, not reflected, no final XOR. */
public final class Crc32Mpeg2 {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04c11db7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc32Mpeg2() {
    }

    /** The CRC of {@code length} bytes; over a section with its CRC_32 field it is 0. */
    public static int compute(byte[] data, int offset, int length) {
        int crc = 0xffffffff;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]) & 0xff];
        }
        return crc;
    }

    /** The CRC of {@code length} bytes at {@code index}; the buffer's indexes are not moved. */
    public static int compute(ByteBuf data, int index, int length) {
        int crc = 0xffffffff;
        for (int i = index; i < index + length; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data.getByte(i)) & 0xff];
        }
        return crc;
    }
}
