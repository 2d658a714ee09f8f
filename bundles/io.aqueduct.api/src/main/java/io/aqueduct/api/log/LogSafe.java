package io.aqueduct.api.log;

/**
 * A value a client chose (a stream name, an application, a URL, a user agent, an edge's id, an exception message
 * that quotes any of these), made safe for one log line: control characters are escaped, so a value cannot end the
 * line and write a forged one after it, and the value is cut, so a 7 MB name costs a few hundred bytes of log.
 *
 * <p>Escaped as {@code \n}, {@code \r}, {@code \t}, or {@code \}{@code uXXXX}: the other C0 controls, DEL, the C1
 * controls, the Unicode line and paragraph separators (U+2028, U+2029), the bidirectional overrides, embeddings,
 * isolates and marks (which can make a line read differently from what it holds), and unpaired surrogates.
 * Backslashes are kept as they are, so escaping an escaped value again changes nothing: a message that embeds an
 * escaped value can be escaped as a whole where it is logged.
 *
 * <p>A cut value ends with {@code ...(N more characters)}, N counting the characters of the value not shown.
 */
public final class LogSafe {
    /** The longest value {@link #value(Object)} shows, in characters after escaping. */
    public static final int VALUE_LENGTH = 256;
    /** The longest message {@link #text(Object)} shows: room for a sentence that embeds a few values. */
    public static final int TEXT_LENGTH = 1024;

    private LogSafe() {
    }

    /** A single value a client chose, escaped and cut to {@link #VALUE_LENGTH}; {@code null} is {@code "null"}. */
    public static String value(Object value) {
        return escape(value, VALUE_LENGTH);
    }

    /**
     * A message that may embed values a client chose (a refusal reason, an exception's message), escaped and cut
     * to {@link #TEXT_LENGTH}.
     */
    public static String text(Object message) {
        return escape(message, TEXT_LENGTH);
    }

    /**
     * {@code value} as a string with its control characters escaped, cut so that at most {@code maxLength}
     * characters of the escaped form are shown (an escape is never split).
     *
     * @throws IllegalArgumentException when maxLength is not positive
     */
    public static String escape(Object value, int maxLength) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        }
        String s = String.valueOf(value);
        if (s.length() <= maxLength && isSafe(s)) {
            return s;
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), maxLength) + 32);
        int i = 0;
        while (i < s.length()) {
            int before = out.length();
            char c = s.charAt(i);
            int consumed = 1;
            if (isPairAt(s, i)) {
                out.append(c).append(s.charAt(i + 1));
                consumed = 2;
            } else if (needsEscape(c)) {
                appendEscaped(out, c);
            } else {
                out.append(c);
            }
            if (out.length() > maxLength) {
                out.setLength(before);
                break;
            }
            i += consumed;
        }
        if (i < s.length()) {
            out.append("...(").append(s.length() - i).append(" more characters)");
        }
        return out.toString();
    }

    private static boolean isSafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isPairAt(s, i)) {
                i++;
            } else if (needsEscape(c)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a surrogate pair (one character beyond the BMP, such as an emoji) starts at index i. */
    private static boolean isPairAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    /** Whether a character that is not part of a surrogate pair must be escaped. */
    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) // C0, DEL, C1
                || c == '\u2028' || c == '\u2029' // line and paragraph separators
                || (c >= '\u202a' && c <= '\u202e') // bidi embeddings and overrides
                || (c >= '\u2066' && c <= '\u2069') // bidi isolates
                || c == '\u200e' || c == '\u200f' || c == '\u061c' // bidi marks
                || Character.isSurrogate(c); // only reached for an unpaired one
    }

    private static void appendEscaped(StringBuilder out, char c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> out.append(String.format("\\u%04x", (int) c));
        }
    }
}
