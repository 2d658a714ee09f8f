package io.aqueduct.testing;

import java.util.Arrays;
import java.util.Random;

/** Inputs for seeded fuzz tests of decoders: random bytes, and valid input with a few random edits. */
public final class FuzzInput {

    private FuzzInput() {
    }

    /** {@code length} random bytes. */
    public static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * {@code valid} with {@code minEdits} to {@code minEdits + 3} edits: a flipped bit, a byte overwritten, bytes
     * inserted, removed or duplicated elsewhere, or the input cut short. Changes {@code valid} in place where it
     * can; use the result.
     */
    public static byte[] mutate(Random random, byte[] valid, int minEdits) {
        byte[] bytes = valid;
        for (int m = minEdits + random.nextInt(4); m > 0 && bytes.length > 0; m--) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(6)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) (random.nextBoolean() ? 0xFF : random.nextInt(256));
                case 2 -> bytes = splice(bytes, at, 0, randomBytes(random, 1 + random.nextInt(16)));
                case 3 -> bytes = splice(bytes, at, Math.min(bytes.length - at, 1 + random.nextInt(16)), new byte[0]);
                case 4 -> bytes = Arrays.copyOf(bytes, at);
                default -> {
                    int len = Math.min(bytes.length - at, 1 + random.nextInt(64));
                    bytes = splice(bytes, random.nextInt(bytes.length), 0, Arrays.copyOfRange(bytes, at, at + len));
                }
            }
        }
        return bytes;
    }

    private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
        byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }
}
