package io.aqueduct.cluster.embedded.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of MongoDB's SCRAM-SHA-1 (RFC 5802 with MongoDB's password digest, hex MD5 of
 * {@code user:mongo:password}) for one user: what the MongoDB driver speaks when a URI has a user and the server
 * names no other mechanism. Only the keys derived from the password are kept.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc5802">RFC 5802</a>
 * @see <a href="https://github.com/mongodb/specifications/blob/master/source/auth/auth.md">MongoDB auth spec</a>
 */
final class ScramSha1Server {
    /** The driver refuses fewer than 4096. */
    private static final int ITERATIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String user;
    private final byte[] salt = new byte[16];
    private final byte[] storedKey;
    private final byte[] serverKey;

    ScramSha1Server(String user, String password) {
        if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the registry's user and password must not be empty");
        }
        this.user = user;
        RANDOM.nextBytes(salt);
        String digest = HexFormat.of().formatHex(md5(user + ":mongo:" + password));
        byte[] salted = pbkdf2(digest, salt);
        storedKey = sha1(hmac(salted, "Client Key"));
        serverKey = hmac(salted, "Server Key");
    }

    /** One client's exchange: {@link #first} answers the client's first message, {@link #last} checks its proof. */
    final class Exchange {
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;

        /**
         * @param clientFirst {@code n,,n=<user>,r=<client nonce>}
         * @return {@code r=<nonce>,s=<salt>,i=<iterations>}
         * @throws AuthenticationException not this user, or not a SCRAM first message
         */
        String first(String clientFirst) throws AuthenticationException {
            if (!clientFirst.startsWith("n,,")) {
                throw new AuthenticationException("expected a SCRAM client-first message without channel binding");
            }
            clientFirstBare = clientFirst.substring(3);
            String name = attribute(clientFirstBare, "n");
            String clientNonce = attribute(clientFirstBare, "r");
            if (name == null || clientNonce == null || clientNonce.isEmpty()) {
                throw new AuthenticationException("malformed SCRAM client-first message");
            }
            if (!user.equals(name.replace("=2C", ",").replace("=3D", "="))) {
                throw new AuthenticationException("unknown user");
            }
            byte[] random = new byte[24];
            RANDOM.nextBytes(random);
            nonce = clientNonce + Base64.getEncoder().encodeToString(random);
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + ITERATIONS;
            return serverFirst;
        }

        /**
         * @param clientFinal {@code c=biws,r=<nonce>,p=<proof>}
         * @return {@code v=<server signature>}, which proves to the client that this server knows the password too
         * @throws AuthenticationException a wrong proof (a wrong password), a wrong nonce, or out of order
         */
        String last(String clientFinal) throws AuthenticationException {
            int p = clientFinal.lastIndexOf(",p=");
            if (serverFirst == null || p < 0) {
                throw new AuthenticationException("malformed or unexpected SCRAM client-final message");
            }
            String withoutProof = clientFinal.substring(0, p);
            if (!nonce.equals(attribute(withoutProof, "r"))) {
                throw new AuthenticationException("SCRAM nonce mismatch");
            }
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(clientFinal.substring(p + 3));
            } catch (IllegalArgumentException e) {
                throw new AuthenticationException("malformed SCRAM proof");
            }
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] signature = hmac(storedKey, authMessage);
            if (proof.length != signature.length) {
                throw new AuthenticationException("malformed SCRAM proof");
            }
            byte[] clientKey = new byte[proof.length];
            for (int i = 0; i < proof.length; i++) {
                clientKey[i] = (byte) (proof[i] ^ signature[i]);
            }
            if (!MessageDigest.isEqual(sha1(clientKey), storedKey)) {
                throw new AuthenticationException("wrong password");
            }
            return "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
        }
    }

    /** Why an exchange failed; the client is told only that it failed. */
    static final class AuthenticationException extends Exception {
        private static final long serialVersionUID = 1L;

        AuthenticationException(String message) {
            super(message);
        }
    }

    private static String attribute(String message, String name) {
        for (String part : message.split(",")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has SHA-1", e);
        }
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has HmacSHA1", e);
        }
    }

    /** PBKDF2-HMAC-SHA1 of an ASCII digest (the JDK's key factory encodes the chars as UTF-8). */
    private static byte[] pbkdf2(String digest, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1")
                    .generateSecret(new PBEKeySpec(digest.toCharArray(), salt, ITERATIONS, 160)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has PBKDF2WithHmacSHA1", e);
        }
    }
}
