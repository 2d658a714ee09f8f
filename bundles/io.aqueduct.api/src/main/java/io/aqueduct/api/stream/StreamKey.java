package io.aqueduct.api.stream;

import io.aqueduct.api.log.LogSafe;
import java.util.regex.Pattern;

/**
 * The name of a live stream: an application and a stream name, written {@code app/name} (for example
 * {@code live/test} from {@code rtmp://host/live/test}). Both parts are restricted to letters, digits and
 * {@code . _ ~ -} (and may not be {@code .} or {@code ..}), because keys become URL paths and file names.
 */
public final class StreamKey implements Comparable<StreamKey> {
    /** Longest application or stream name accepted. */
    public static final int MAX_PART_LENGTH = 128;

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._~-]{1," + MAX_PART_LENGTH + "}");

    private final String app;
    private final String name;

    private StreamKey(String app, String name) {
        this.app = app;
        this.name = name;
    }

    /** @throws IllegalArgumentException naming the bad part when either part is not a valid name */
    public static StreamKey of(String app, String name) {
        check("application", app);
        check("stream name", name);
        return new StreamKey(app, name);
    }

    /** Parses {@code app/name}. @throws IllegalArgumentException when it is not of that form */
    public static StreamKey parse(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 0 || key.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("stream key must be <app>/<name>, got '" + LogSafe.value(key) + "'");
        }
        return of(key.substring(0, slash), key.substring(slash + 1));
    }

    private static void check(String what, String part) {
        if (part == null || !PART.matcher(part).matches() || part.equals(".") || part.equals("..")) {
            // the message reaches logs and clients: the part is escaped and cut (it may be megabytes)
            throw new IllegalArgumentException(what + " '" + LogSafe.value(part) + "' is not valid: use 1 to "
                    + MAX_PART_LENGTH + " letters, digits, '.', '_', '~' or '-'");
        }
    }

    public String app() {
        return app;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamKey && ((StreamKey) o).app.equals(app) && ((StreamKey) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return app.hashCode() * 31 + name.hashCode();
    }

    @Override
    public int compareTo(StreamKey o) {
        int c = app.compareTo(o.app);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return app + "/" + name;
    }
}
