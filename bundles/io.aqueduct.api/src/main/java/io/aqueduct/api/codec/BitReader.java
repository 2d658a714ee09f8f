package io.aqueduct.api.codec;

/**
 * Reads bits MSB first, with Exp-Golomb codes, from bytes already freed of emulation prevention: the one bit
 * reader of every parameter set and configuration parser. Reading past the end throws, never wraps.
 */
final class BitReader {
    private final byte[] data;
    private final long end;
    private long bit;

    BitReader(byte[] data, int offset, int length) {
        this.data = data;
        this.bit = offset * 8L;
        this.end = (offset + (long) length) * 8;
    }

    /** The next {@code n} (0 to 32) bits as an unsigned number. */
    long bitsLong(int n) throws MalformedConfigException {
        if (n > 32 || bit + n > end) {
            throw new MalformedConfigException("record ends early (wanted " + n + " more bits)");
        }
        long v = 0;
        for (int i = 0; i < n; i++, bit++) {
            v = (v << 1) | ((data[(int) (bit >> 3)] >> (7 - (int) (bit & 7))) & 1);
        }
        return v;
    }

    /** The next {@code n} (0 to 31) bits. */
    int bits(int n) throws MalformedConfigException {
        if (n > 31) {
            throw new MalformedConfigException("cannot read " + n + " bits as an int");
        }
        return (int) bitsLong(n);
    }

    boolean flag() throws MalformedConfigException {
        return bits(1) == 1;
    }

    void skip(long n) throws MalformedConfigException {
        if (n < 0 || bit + n > end) {
            throw new MalformedConfigException("record ends early (wanted to skip " + n + " bits)");
        }
        bit += n;
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
