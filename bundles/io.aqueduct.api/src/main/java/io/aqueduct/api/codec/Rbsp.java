package io.aqueduct.api.codec;

import java.util.Arrays;

/** Raw byte sequence payloads of H.264 / H.265 NAL units (ITU-T H.264 7.4.1, H.265 7.4.2). */
public final class Rbsp {
    private Rbsp() {
    }

    /** The payload without emulation prevention bytes ({@code 00 00 03} becomes {@code 00 00}). */
    public static byte[] unescape(byte[] nal, int offset, int length) {
        byte[] out = new byte[length];
        int n = 0;
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = nal[i] & 0xff;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = (byte) b;
        }
        return Arrays.copyOf(out, n);
    }
}
