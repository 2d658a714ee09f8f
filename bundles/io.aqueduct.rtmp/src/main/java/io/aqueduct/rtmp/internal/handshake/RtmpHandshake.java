package io.aqueduct.rtmp.internal.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Sizes, versions, keys and digest arithmetic of the RTMP handshake (plain and digest). */
public final class RtmpHandshake {
    /** The only version we speak; 6 and 8 are RTMPE (encrypted), which we refuse. */
    public static final int VERSION = 3;
    /** Size of C1, C2, S1 and S2. */
    public static final int BLOCK_SIZE = 1536;
    public static final int DIGEST_LENGTH = 32;

    /** The version we announce in a digest S1 (bytes 4..7); clients only check that it is not zero. */
    static final byte[] SERVER_VERSION = {0x04, 0x05, 0x00, 0x01};

    private static final byte[] KEY_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE,
    };
    /** "Genuine Adobe Flash Media Server 001" + tail (68 bytes); the first 36 bytes sign S1. */
    static final byte[] FMS_KEY = concat("Genuine Adobe Flash Media Server 001", KEY_TAIL);
    static final int FMS_KEY_SHORT = 36;
    /** "Genuine Adobe Flash Player 001" + tail (62 bytes); the first 30 bytes sign C1. */
    static final byte[] FP_KEY = concat("Genuine Adobe Flash Player 001", KEY_TAIL);
    static final int FP_KEY_SHORT = 30;

    /** The two places a digest may sit in C1/S1: base of the 4 offset bytes, and where the digest area starts. */
    enum Scheme {
        /** Offset bytes at 8..11 (librtmp's GetDigestOffset1, Flash Player 9's first scheme). */
        OFFSET_8(8),
        /** Offset bytes at 772..775 (GetDigestOffset2). */
        OFFSET_772(772);

        private final int base;

        Scheme(int base) {
            this.base = base;
        }

        int digestOffset(byte[] block) {
            int sum = (block[base] & 0xFF) + (block[base + 1] & 0xFF) + (block[base + 2] & 0xFF)
                    + (block[base + 3] & 0xFF);
            return sum % 728 + base + 4;
        }
    }

    private RtmpHandshake() {
    }

    /** The scheme whose digest in {@code c1} verifies with the Flash Player key, or null (a plain C1). */
    static Scheme findClientDigest(byte[] c1) {
        for (Scheme scheme : Scheme.values()) {
            int offset = scheme.digestOffset(c1);
            byte[] expected = blockDigest(c1, offset, FP_KEY, FP_KEY_SHORT);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(c1, offset, offset + DIGEST_LENGTH))) {
                return scheme;
            }
        }
        return null;
    }

    /** HMAC-SHA256 of a block without its 32 digest bytes at {@code offset}, keyed by the key's first bytes. */
    static byte[] blockDigest(byte[] block, int offset, byte[] key, int keyLength) {
        Mac mac = hmac(Arrays.copyOf(key, keyLength));
        mac.update(block, 0, offset);
        mac.update(block, offset + DIGEST_LENGTH, block.length - offset - DIGEST_LENGTH);
        return mac.doFinal();
    }

    /** Writes the digest into {@code block} at the scheme's offset. */
    static byte[] signBlock(byte[] block, Scheme scheme, byte[] key, int keyLength) {
        int offset = scheme.digestOffset(block);
        byte[] digest = blockDigest(block, offset, key, keyLength);
        System.arraycopy(digest, 0, block, offset, DIGEST_LENGTH);
        return digest;
    }

    /** Signs the last 32 bytes of S2 (or C2) with a key derived from the peer's digest. */
    static void signResponse(byte[] block, byte[] peerDigest, byte[] key) {
        byte[] derived = hmac(key).doFinal(peerDigest);
        Mac mac = hmac(derived);
        mac.update(block, 0, BLOCK_SIZE - DIGEST_LENGTH);
        System.arraycopy(mac.doFinal(), 0, block, BLOCK_SIZE - DIGEST_LENGTH, DIGEST_LENGTH);
    }

    static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static byte[] concat(String head, byte[] tail) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] key = Arrays.copyOf(h, h.length + tail.length);
        System.arraycopy(tail, 0, key, h.length, tail.length);
        return key;
    }
}
