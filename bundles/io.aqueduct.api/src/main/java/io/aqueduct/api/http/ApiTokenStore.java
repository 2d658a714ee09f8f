package io.aqueduct.api.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operator's API tokens, kept in one file ({@value #FILE} under the installation): a line per token with its
 * name, when it was made, a random salt and SHA-256(salt + token). The token itself is shown once, by
 * {@link #create}, and stored nowhere.
 *
 * <p>{@code bin/aqueduct token} and the running node share the file: the node re-reads it when it changes (its
 * identity, time or size), so a new or revoked token counts at the next request. Writes go to a temporary file that
 * is renamed over the old one, readable by its owner only. A token is 32 random bytes, so one salted hash is as
 * strong as a slow one.
 */
public final class ApiTokenStore {
    /** The file, relative to the installation. */
    public static final String FILE = "data/api-tokens";
    /** What a token starts with, so a leaked one is recognisable in a scan. */
    public static final String PREFIX = "aqd_";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern TOKEN = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");
    private static final int TOKEN_BYTES = 32;
    private static final int SALT_BYTES = 16;
    private static final String HEADER = "# Aqueduct API tokens (bin/aqueduct token): name, created, salt, "
            + "SHA-256(salt + token); the tokens themselves are not stored";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A stored token, without its secret. */
    public record TokenInfo(String name, Instant created) {
    }

    private record Entry(TokenInfo info, byte[] salt, byte[] hash) {
    }

    private record Stamp(Object key, long modified, long size) {
    }

    private final Path file;
    private Stamp loadedStamp;
    private List<Entry> loaded = List.of();

    public ApiTokenStore(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The store of the installation at {@code home}. */
    public static ApiTokenStore of(Path home) {
        return new ApiTokenStore(home.resolve(FILE));
    }

    public Path file() {
        return file;
    }

    /** Whether {@code name} is acceptable as a token name: 1-64 letters, digits, '.', '_' or '-', not first. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Makes a token named {@code name} and returns it; only its hash is kept.
     *
     * @throws IllegalArgumentException when the name is not acceptable or already taken
     */
    public synchronized String create(String name, Instant now) throws IOException {
        if (!validName(name)) {
            throw new IllegalArgumentException("a token name is 1-64 letters, digits, '.', '_' or '-' "
                    + "(not first), not '" + printable(name) + "'");
        }
        List<Entry> entries = new ArrayList<>(read());
        if (entries.stream().anyMatch(e -> e.info().name().equals(name))) {
            throw new IllegalArgumentException("there is already a token named " + name
                    + " (revoke it first, or choose another name)");
        }
        byte[] secret = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        entries.add(new Entry(new TokenInfo(name, now), salt, hash(salt, token)));
        write(entries);
        return token;
    }

    /** The stored tokens, oldest first. */
    public synchronized List<TokenInfo> list() throws IOException {
        return read().stream().map(Entry::info).toList();
    }

    /** Removes the token named {@code name}; false when there is none. */
    public synchronized boolean revoke(String name) throws IOException {
        List<Entry> entries = new ArrayList<>(read());
        if (!entries.removeIf(e -> e.info().name().equals(name))) {
            return false;
        }
        write(entries);
        return true;
    }

    /**
     * The name of the token {@code token} is, or empty when it is none of the stored ones (or the file cannot be
     * read: then no token is accepted).
     */
    public synchronized Optional<String> verify(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        List<Entry> entries;
        try {
            entries = current();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.hash(), hash(e.salt(), token))) {
                return Optional.of(e.info().name());
            }
        }
        return Optional.empty();
    }

    /** The entries, read again only when the file changed since the last read. */
    private List<Entry> current() throws IOException {
        Stamp stamp = stamp();
        if (!Objects.equals(stamp, loadedStamp)) {
            loaded = read();
            loadedStamp = stamp;
        }
        return loaded;
    }

    private Stamp stamp() throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.fileKey(), a.lastModifiedTime().toMillis(), a.size());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private List<Entry> read() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                if (f.length != 4 || !validName(f[0])) {
                    throw new IllegalArgumentException("expected name, created, salt and hash");
                }
                Base64.Decoder b64 = Base64.getDecoder();
                entries.add(new Entry(new TokenInfo(f[0], Instant.parse(f[1])), b64.decode(f[2]), b64.decode(f[3])));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new IOException(file + " line " + number + " is not a token entry: " + e.getMessage());
            }
        }
        return entries;
    }

    private void write(List<Entry> entries) throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        Base64.Encoder b64 = Base64.getEncoder();
        for (Entry e : entries) {
            b.append(e.info().name()).append('\t').append(e.info().created()).append('\t')
                    .append(b64.encodeToString(e.salt())).append('\t').append(b64.encodeToString(e.hash())).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".api-tokens-", ".tmp");
        try {
            ownerOnly(tmp);
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void ownerOnly(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own defaults apply
        }
    }

    private static byte[] hash(byte[] salt, String token) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            return md.digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
