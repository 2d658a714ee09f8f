package io.aqueduct.rest.internal.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The Web Console's admin login, read from where the console reads it: configuration PID {@value #PID}
 * ({@code username}, {@code password}, {@code realm}), or before that arrives the framework properties the
 * launcher sets. A stored password of the form {@code {sha-256}<hex salt>-<iterations>-<base64 hash>} is the
 * launcher's (and the console's) salted hash: SHA-256 applied {@code iterations} times to salt + password; any
 * other value is a plain password, as the console takes it.
 */
record ConsoleLogin(String user, String storedPassword, String realm) {
    static final String PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    static final String DEFAULT_USER = "admin";
    static final String DEFAULT_REALM = "OSGi Management Console";
    private static final String HASH_PREFIX = "{sha-256}";
    private static final int MAX_ITERATIONS = 100_000;

    /** From the console's configuration (null when there is none yet) and the framework properties. */
    static ConsoleLogin from(Dictionary<String, ?> config, UnaryOperator<String> frameworkProperty) {
        return new ConsoleLogin(
                value(config, "username", frameworkProperty.apply("felix.webconsole.username"), DEFAULT_USER),
                value(config, "password", frameworkProperty.apply("felix.webconsole.password"), null),
                value(config, "realm", frameworkProperty.apply("felix.webconsole.realm"), DEFAULT_REALM));
    }

    private static String value(Dictionary<String, ?> config, String key, String framework, String fallback) {
        Object v = config == null ? null : config.get(key);
        if (v != null && !v.toString().isEmpty()) {
            return v.toString();
        }
        return framework != null && !framework.isEmpty() ? framework : fallback;
    }

    /** Whether the user and password are the console's admin login. No password configured: nothing matches. */
    boolean matches(String user, String password) {
        if (storedPassword == null || user == null || password == null) {
            return false;
        }
        boolean userMatches = MessageDigest.isEqual(utf8(this.user), utf8(user));
        return passwordMatches(storedPassword, password) && userMatches;
    }

    static boolean passwordMatches(String stored, String password) {
        if (!stored.toLowerCase(Locale.ROOT).startsWith(HASH_PREFIX)) {
            return MessageDigest.isEqual(utf8(stored), utf8(password));
        }
        String body = stored.substring(HASH_PREFIX.length());
        String salt = "";
        int iterations = 1;
        String[] parts = body.split("-", 3);
        if (parts.length == 3) {
            try {
                iterations = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                return false;
            }
            salt = parts[0];
            body = parts[2];
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            return false;
        }
        byte[] expected;
        try {
            expected = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, hash(salt + password, iterations));
    }

    private static byte[] hash(String text, int iterations) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] bytes = utf8(text);
            for (int i = 0; i < iterations; i++) {
                md.reset();
                bytes = md.digest(bytes);
            }
            return bytes;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
