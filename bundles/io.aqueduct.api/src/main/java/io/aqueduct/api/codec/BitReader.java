package io.aqueduct.api.codec;

/** Reads bits MSB first, with Exp-Golomb codes, from bytes already freed of emulation prevention. */
final class BitReader {
    private final byte[] data;
    private final int end;
    private int bit;

    BitReader(byte[] data, int offset, int length) {
        this.data = data;
        this.bit = offset * 8;
        this.end = (offset + length) * 8;
    }

    int bits(int n) throws MalformedConfigException {
        if (n > 31 || bit + n > end) {
            throw new MalformedConfigException("record ends early (wanted " + n + " more bits)");
        }
        int v = 0;
        for (int i = 0; i < n; i++, bit++) {
            v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
        }
        return v;
    }

    boolean flag() throws MalformedConfigException {
        return bits(1) == 1;
    }

    /** Unsigned Exp-Golomb, ue(v); values over 2^31 - 2 are refused. */
    int ue() throws MalformedConfigException {
        int zeros = 0;
        while (bits(1) == 0) {
            if (++zeros > 30) {
                throw new MalformedConfigException("Exp-Golomb code too long");
            }
        }
        return zeros == 0 ? 0 : (1 << zeros) - 1 + bits(zeros);
    }

    /** Signed Exp-Golomb, se(v). */
    int se() throws MalformedConfigException {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }
}
