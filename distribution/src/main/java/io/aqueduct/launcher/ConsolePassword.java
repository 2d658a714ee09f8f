package io.aqueduct.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    /** Where a generated password is kept for its operator, readable by the owner only; never in the log. */
    static final String GENERATED_FILE = "data/console-password";
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

    /**
     * Stores the password, hashed, with user {@value #USER}; FileInstall applies it to a running console. A file
     * {@value #GENERATED_FILE} left from an earlier generated password is removed: it no longer says the truth.
     */
    static String store(Path home, String password) throws IOException {
        String hashed = hash(password);
        ConfigFile cfg = ConfigFile.read(file(home));
        cfg.set("username", USER);
        cfg.set("password", hashed);
        cfg.save(true);
        Files.deleteIfExists(home.resolve(GENERATED_FILE));
        return hashed;
    }

    /** Stores a generated password like {@link #store}, and writes it to {@value #GENERATED_FILE}, mode 0600. */
    static String storeGenerated(Path home, String password) throws IOException {
        String hashed = store(home, password);
        Path file = home.resolve(GENERATED_FILE);
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        return hashed;
    }

    /**
     * The notice shown when the password is generated; bin/aqueduct finds it by its frame lines. With
     * {@code password} null (what goes into the log) the password line names the file instead.
     */
    static String banner(String password, String consoleUrl) {
        String rule = "*".repeat(72);
        return rule + "\n"
                + "  Web Console: " + consoleUrl + "\n"
                + "  user:        " + USER + "\n"
                + "  password:    " + (password != null ? password : "in " + GENERATED_FILE) + "\n"
                + "  This generated password is kept in " + GENERATED_FILE + " (readable by its owner only) and\n"
                + "  never written to the log. Change it with: bin/aqueduct password [new-password]\n"
                + rule;
    }
}
