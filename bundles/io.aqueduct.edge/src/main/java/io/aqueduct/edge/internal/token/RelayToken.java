package io.aqueduct.edge.internal.token;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token an edge presents in its relay HELLO: proof that it holds the cluster secret, bound to its node id and
 * to the time it was made.
 *
 * <p>Form: {@code v1.<edge id>.<issued at>.<signature>} where the edge id is its UTF-8 bytes in unpadded base64url,
 * the time is milliseconds since the epoch in decimal, and the signature is the HMAC-SHA256, under the cluster
 * secret, of the UTF-8 string {@code v1|<edge id>|<issued at>}, in unpadded base64url. A token is valid from
 * {@link #VALIDITY} before to {@link #VALIDITY} after the time it names, so the clocks of origin and edge may differ
 * by that much; an edge makes a fresh token for every connection. The signature is compared in constant time.
 *
 * <p>Anyone who sees a token on the (private) relay network can replay it for as long as it is valid; the token
 * keeps nodes without the secret out, it does not encrypt anything.
 */
public final class RelayToken {
    /** How far the time in a token may be from the verifier's clock, either way. */
    public static final Duration VALIDITY = Duration.ofMinutes(5);
    /** Shortest cluster secret accepted. */
    public static final int MIN_SECRET_BYTES = 16;
    /** Longest edge id a token can name (UTF-8 bytes), so that the token fits in a HELLO. */
    public static final int MAX_EDGE_ID_BYTES = 256;

    static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    /** Longer strings are not tokens this code made: refused without decoding. */
    private static final int MAX_TOKEN_CHARS = 512;

    private RelayToken() {
    }

    /**
     * A token for {@code edgeId}, valid around {@code now}.
     *
     * @throws IllegalArgumentException when the secret is shorter than {@value #MIN_SECRET_BYTES} bytes or the edge
     *         id is empty or longer than {@value #MAX_EDGE_ID_BYTES} bytes
     */
    public static String issue(byte[] secret, String edgeId, Instant now) {
        if (!usable(secret)) {
            throw new IllegalArgumentException("the cluster secret must have at least " + MIN_SECRET_BYTES
                    + " bytes");
        }
        Objects.requireNonNull(edgeId, "edgeId");
        byte[] id = edgeId.getBytes(StandardCharsets.UTF_8);
        if (id.length == 0 || id.length > MAX_EDGE_ID_BYTES) {
            throw new IllegalArgumentException("edge id must have 1 to " + MAX_EDGE_ID_BYTES + " UTF-8 bytes, not "
                    + id.length);
        }
        long issuedAt = now.toEpochMilli();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return VERSION + "." + b64.encodeToString(id) + "." + issuedAt + "."
                + b64.encodeToString(sign(secret, edgeId, issuedAt));
    }

    /**
     * Checks a token.
     *
     * @param expectedEdgeId the edge the token must name, or null to accept any edge
     * @return null when the token is valid, else why not: {@code "malformed"}, {@code "unsupported version"},
     *         {@code "bad signature"}, {@code "issued for edge <id>"}, {@code "expired"},
     *         {@code "issued in the future"} or {@code "no usable cluster secret on this node"}
     */
    public static String verify(byte[] secret, String token, String expectedEdgeId, Instant now) {
        if (!usable(secret)) {
            return "no usable cluster secret on this node";
        }
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return "malformed";
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4) {
            return "malformed";
        }
        if (!VERSION.equals(parts[0])) {
            return parts[0].matches("v[0-9]{1,4}") ? "unsupported version" : "malformed";
        }
        String edgeId;
        long issuedAt;
        byte[] signature;
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            edgeId = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b64.decode(parts[1])))
                    .toString();
            if (edgeId.isEmpty() || !parts[2].matches("[0-9]{1,18}")) {
                return "malformed";
            }
            issuedAt = Long.parseLong(parts[2]);
            signature = b64.decode(parts[3]);
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return "malformed";
        }
        if (!MessageDigest.isEqual(sign(secret, edgeId, issuedAt), signature)) {
            return "bad signature";
        }
        if (expectedEdgeId != null && !expectedEdgeId.equals(edgeId)) {
            return "issued for edge " + edgeId;
        }
        long skew = now.toEpochMilli() - issuedAt;
        if (skew > VALIDITY.toMillis()) {
            return "expired";
        }
        if (-skew > VALIDITY.toMillis()) {
            return "issued in the future";
        }
        return null;
    }

    private static boolean usable(byte[] secret) {
        return secret != null && secret.length >= MIN_SECRET_BYTES;
    }

    private static byte[] sign(byte[] secret, String edgeId, long issuedAt) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return mac.doFinal((VERSION + "|" + edgeId + "|" + issuedAt).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e); // every Java 17 has it
        }
    }
}
