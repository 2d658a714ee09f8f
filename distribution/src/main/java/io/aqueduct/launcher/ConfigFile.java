package io.aqueduct.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A FileInstall {@code .cfg} file (Java properties format, ISO-8859-1) edited the way an operator would:
 * changed keys are rewritten in place, other keys, comments and order are kept.
 *
 * <p>{@link #save()} writes a hidden temporary file next to the target and renames it over the target, so
 * FileInstall, which polls the directory, never reads a half-written file. The temporary name does not end
 * in {@code .cfg}, so FileInstall ignores it.
 */
final class ConfigFile {
    private static final Pattern TYPED = Pattern.compile("[TILFDXSCBbsilfdxc]?\"(.*)\"");

    private final Path path;
    /** Logical lines: a property whose value continues over several physical lines is one entry. */
    private final List<String> lines;

    private ConfigFile(Path path, List<String> lines) {
        this.path = path;
        this.lines = lines;
    }

    /** Reads the file; a missing file reads as empty and is created by {@link #save()}. */
    static ConfigFile read(Path path) throws IOException {
        List<String> logical = new ArrayList<>();
        if (Files.exists(path)) {
            StringBuilder pending = null;
            for (String physical : Files.readAllLines(path, StandardCharsets.ISO_8859_1)) {
                if (pending != null) {
                    pending.append('\n').append(physical);
                } else {
                    pending = new StringBuilder(physical);
                }
                if (!continues(physical) || isComment(pending.toString())) {
                    logical.add(pending.toString());
                    pending = null;
                }
            }
            if (pending != null) {
                logical.add(pending.toString());
            }
        }
        return new ConfigFile(path, logical);
    }

    Path path() {
        return path;
    }

    /** The properties as {@link Properties#load} reads them. */
    Properties properties() {
        Properties p = new Properties();
        try (Reader r = new StringReader(String.join("\n", lines))) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen reading a string", e);
        }
        return p;
    }

    /**
     * The trimmed value, or null when the key is missing or blank. A value in FileInstall's typed form
     * ({@code I"5080"}, {@code "text"}), which it writes when it saves a typed value back, reads as its text.
     */
    String get(String key) {
        String v = properties().getProperty(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.trim();
        Matcher typed = TYPED.matcher(v);
        if (typed.matches()) {
            v = typed.group(1).replace("\\\"", "\"").replace("\\\\", "\\").trim();
        }
        return v.isEmpty() ? null : v;
    }

    /** Sets a key: the first line that holds it is replaced, later duplicates removed; appended when new. */
    void set(String key, String value) {
        String line = escapeKey(key) + " = " + escapeValue(value);
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (key.equals(keyOf(lines.get(i)))) {
                if (!replaced) {
                    lines.set(i, line);
                    replaced = true;
                } else {
                    lines.remove(i--);
                }
            }
        }
        if (!replaced) {
            lines.add(line);
        }
    }

    void remove(String key) {
        lines.removeIf(l -> key.equals(keyOf(l)));
    }

    /** Writes atomically; {@code ownerOnly} makes the file readable by its owner alone (secrets). */
    void save(boolean ownerOnly) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        StringBuilder text = new StringBuilder();
        for (String l : lines) {
            text.append(l).append('\n');
        }
        Files.write(tmp, text.toString().getBytes(StandardCharsets.ISO_8859_1));
        try {
            if (ownerOnly) {
                Files.setPosixFilePermissions(tmp, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    void save() throws IOException {
        save(false);
    }

    private static boolean isComment(String line) {
        String t = line.stripLeading();
        return t.startsWith("#") || t.startsWith("!");
    }

    /** A line continues when it ends in an odd number of backslashes. */
    private static boolean continues(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    /** The unescaped key of a logical line, or null for comments and blank lines. */
    static String keyOf(String line) {
        String t = line.stripLeading();
        if (t.isEmpty() || isComment(t)) {
            return null;
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length()) {
                key.append(t.charAt(++i));
            } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static String escapeKey(String key) {
        StringBuilder b = new StringBuilder();
        for (char c : key.toCharArray()) {
            if (c == '=' || c == ':' || c == ' ' || c == '#' || c == '!' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Escapes as {@link Properties#store} would, except that ':' and '=' stay readable. */
    static String escapeValue(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == ' ' && i == 0) {
                b.append("\\ ");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
