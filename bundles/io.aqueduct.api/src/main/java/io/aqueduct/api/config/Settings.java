package io.aqueduct.api.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Typed, validated reads of one configuration. Values from {@code .cfg} files are strings, values set in the
 * Web Console may be typed; both are accepted. A missing or blank value gives the default; a value that does
 * not parse throws {@link InvalidSettingException}, so a component can reject the whole configuration and
 * keep its previous one.
 */
public final class Settings {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]+");
    private final String pid;
    private final Map<String, ?> properties;

    private Settings(String pid, Map<String, ?> properties) {
        this.pid = pid;
        this.properties = properties == null ? Map.of() : properties;
    }

    public static Settings of(String pid, Map<String, ?> properties) {
        return new Settings(pid, properties);
    }

    public String pid() {
        return pid;
    }

    private String raw(String key) {
        Object v = properties.get(key);
        if (v == null) {
            return null;
        }
        String s = String.valueOf(v).trim();
        return s.isEmpty() ? null : s;
    }

    public String string(String key, String defaultValue) {
        String v = raw(key);
        return v == null ? defaultValue : v;
    }

    /** A required non-blank string. */
    public String required(String key) {
        String v = raw(key);
        if (v == null) {
            throw new InvalidSettingException(pid, key, "", "a value is required");
        }
        return v;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return (int) number(key, defaultValue, min, max, "expected a whole number from " + min + " to " + max);
    }

    public long duration(String key, long defaultMillis, long minMillis, long maxMillis) {
        return number(key, defaultMillis, minMillis, maxMillis,
                "expected milliseconds from " + minMillis + " to " + maxMillis);
    }

    /** A TCP or UDP port, 1 to 65535. */
    public int port(String key, int defaultValue) {
        return (int) number(key, defaultValue, 1, 65535, "expected a port number from 1 to 65535");
    }

    /**
     * An IP address or host name, checked for syntax only (letters, digits and {@code . - _ : % [ ]}); names
     * are not looked up, so a node starts without DNS.
     */
    public String host(String key, String defaultValue) {
        String v = string(key, defaultValue);
        if (v.length() > 253 || !HOST.matcher(v).matches()) {
            throw new InvalidSettingException(pid, key, v, "expected an IP address or host name");
        }
        return v;
    }

    private long number(String key, long defaultValue, long min, long max, String expected) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the expected range
        }
        throw new InvalidSettingException(pid, key, v, expected);
    }

    public boolean bool(String key, boolean defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidSettingException(pid, key, v, "expected true or false");
    }

    /** One of an enum's constants, written in any case ({@code standalone}, {@code STANDALONE}). */
    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new InvalidSettingException(pid, key, v, "expected one of " + allowed);
    }
}
