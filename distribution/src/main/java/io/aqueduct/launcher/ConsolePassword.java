package io.aqueduct.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Felix Web Console's admin password, kept hashed in the console's configuration file.
 *
 * <p>Web Console 5.0.x reads {@code username} and {@code password} from configuration PID
 * {@value #PID}; a value of the form {@code {sha-256}<salt>-<iterations>-<base64 hash>} is a salted hash
 * that its {@code internal.servlet.Password} class verifies (hash = SHA-256 applied {@code iterations} times
 * to the UTF-8 bytes of salt + password; the salt is hex text). Before any configuration arrives the console
 * uses the framework property {@value #FRAMEWORK_PROPERTY}, whose own default would be the well-known
 * {@code admin}; the launcher always sets that property to the stored hash, so the default credentials are
 * never accepted, not even while ConfigAdmin and FileInstall start.
 */
final class ConsolePassword {
    static final String PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    static final String FILE_NAME = PID + ".cfg";
    static final String FRAMEWORK_PROPERTY = "felix.webconsole.password";
    static final String USER = "admin";
    static final int MIN_LENGTH = 8;

    private static final int ITERATIONS = 1000;
    private static final int SALT_BYTES = 8;
    // No look-alike characters (0/O, 1/l/I): the password is read off a terminal and typed.
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final int GENERATED_LENGTH = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConsolePassword() {
    }

    static Path file(Path home) {
        return home.resolve("config").resolve(FILE_NAME);
    }

    static String generate() {
        StringBuilder b = new StringBuilder(GENERATED_LENGTH);
        for (int i = 0; i < GENERATED_LENGTH; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** The reason a password is refused, or null when it is acceptable. */
    static String problem(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            return "the password must have at least " + MIN_LENGTH + " characters";
        }
        for (char c : password.toCharArray()) {
            if (Character.isISOControl(c)) {
                return "the password must not contain control characters";
            }
        }
        return null;
    }

    static String hash(String password) {
        byte[] saltBytes = new byte[SALT_BYTES];
        RANDOM.nextBytes(saltBytes);
        return hash(password, HexFormat.of().formatHex(saltBytes), ITERATIONS);
    }

    static String hash(String password, String salt, int iterations) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] bytes = (salt + password).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < iterations; i++) {
                md.reset();
                bytes = md.digest(bytes);
            }
            return "{sha-256}" + salt + "-" + iterations + "-" + Base64.getEncoder().encodeToString(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The stored (normally hashed) password, or null when none is configured yet. */
    static String stored(Path home) throws IOException {
        return ConfigFile.read(file(home)).get("password");
    }

    /** Stores the password, hashed, with user {@value #USER}; FileInstall applies it to a running console. */
    static String store(Path home, String password) throws IOException {
        String hashed = hash(password);
        ConfigFile cfg = ConfigFile.read(file(home));
        cfg.set("username", USER);
        cfg.set("password", hashed);
        cfg.save(true);
        return hashed;
    }

    /** The notice shown once, when the password is generated; bin/aqueduct finds it by its frame lines. */
    static String banner(String password, String consoleUrl) {
        String rule = "*".repeat(72);
        return rule + "\n"
                + "  Web Console: " + consoleUrl + "\n"
                + "  user:        " + USER + "\n"
                + "  password:    " + password + "\n"
                + "  This generated password is shown only this once; only its hash is stored.\n"
                + "  Change it with: bin/aqueduct password [new-password]\n"
                + rule;
    }
}
