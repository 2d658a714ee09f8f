package io.aqueduct.launcher;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * {@code logs/aqueduct.log}, rotated by size: once it holds {@code maxBytes} and a line has ended, it becomes
 * {@code aqueduct.log.1} (the older ones move up to {@code .2}, ...; the oldest beyond {@code keep} is deleted) and
 * a new file starts. A line is never split between two files unless it alone is longer than {@code maxBytes}.
 *
 * <p>Settings (system properties, so {@code conf/system.properties} or {@code -D} in {@code AQUEDUCT_JAVA_OPTS}, which
 * wins): {@value #SIZE_PROPERTY} (default {@value #DEFAULT_SIZE}; bytes, or with a {@code KB}, {@code MB} or
 * {@code GB} suffix; at least {@value #MIN_BYTES} bytes) and {@value #KEEP_PROPERTY} (default
 * {@value #DEFAULT_KEEP}: the rotated files kept beside the current one, 1 to 100).
 */
final class RotatingLogFile extends OutputStream {
    static final String SIZE_PROPERTY = "aqueduct.log.rotate.size";
    static final String KEEP_PROPERTY = "aqueduct.log.rotate.keep";
    static final String DEFAULT_SIZE = "20MB";
    static final int DEFAULT_KEEP = 5;
    static final long MIN_BYTES = 1024;
    static final int MAX_KEEP = 100;

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;
    private boolean lineEnded = true;

    RotatingLogFile(Path file, long maxBytes, int keep) throws IOException {
        if (maxBytes < MIN_BYTES) {
            throw new IllegalArgumentException("log rotation size must be at least " + MIN_BYTES + " bytes, got "
                    + maxBytes);
        }
        if (keep < 1 || keep > MAX_KEEP) {
            throw new IllegalArgumentException("log files to keep must be 1 to " + MAX_KEEP + ", got " + keep);
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        Files.createDirectories(file.toAbsolutePath().getParent());
        for (int i = keep + 1; i <= MAX_KEEP; i++) {
            Files.deleteIfExists(numbered(i)); // kept under a larger setting before
        }
        open();
    }

    /**
     * The log file with the rotation settings of the system properties; a bad setting is named on standard error
     * (which the caller has not redirected yet) and its default used, so a typo never costs the log.
     */
    static RotatingLogFile fromSystemProperties(Path file) throws IOException {
        long maxBytes = parseSize(DEFAULT_SIZE);
        int keep = DEFAULT_KEEP;
        String size = System.getProperty(SIZE_PROPERTY);
        String count = System.getProperty(KEEP_PROPERTY);
        try {
            if (size != null && !size.isBlank()) {
                maxBytes = parseSize(size);
            }
            if (count != null && !count.isBlank()) {
                keep = Integer.parseInt(count.trim());
            }
            return new RotatingLogFile(file, maxBytes, keep);
        } catch (IllegalArgumentException e) {
            System.err.println("WARN launcher - " + SIZE_PROPERTY + "=" + size + ", " + KEEP_PROPERTY + "=" + count
                    + " rejected (" + e.getMessage() + "); rotating at " + DEFAULT_SIZE + ", keeping " + DEFAULT_KEEP);
            return new RotatingLogFile(file, parseSize(DEFAULT_SIZE), DEFAULT_KEEP);
        }
    }

    /** {@code 20MB}, {@code 512KB}, {@code 1GB} or a number of bytes. @throws IllegalArgumentException otherwise */
    static long parseSize(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        for (String[] suffix : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}}) {
            if (s.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                s = s.substring(0, s.length() - 2).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (bytes, or a number with KB, MB or GB)");
        }
    }

    @Override
    public synchronized void write(int b) throws IOException {
        out.write(b);
        size++;
        lineEnded = b == '\n';
        rotateIfFull();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        out.write(b, off, len);
        size += len;
        lineEnded = b[off + len - 1] == '\n';
        rotateIfFull();
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /** Rotates at the end of a line once full; in the middle of one only when it alone overfills a whole file. */
    private void rotateIfFull() throws IOException {
        if (size >= maxBytes && (lineEnded || size >= 2 * maxBytes)) {
            out.close();
            try {
                Files.deleteIfExists(numbered(keep));
                for (int i = keep - 1; i >= 1; i--) {
                    if (Files.exists(numbered(i))) {
                        Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
            } finally {
                open(); // rotated or not (a file in the way), the log goes on
            }
        }
    }

    private void open() throws IOException {
        out = new FileOutputStream(file.toFile(), true);
        size = Files.size(file);
    }

    private Path numbered(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }
}
