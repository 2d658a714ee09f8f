package io.aqueduct.api.json;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer (RFC 8259) for the endpoints' responses: objects, arrays, strings, numbers
 * (whole and decimal), booleans and null, written compactly. Misuse (a value where a name is due, unbalanced ends) throws
 * {@link IllegalStateException}, so a bug shows in tests rather than as malformed output.
 */
public final class JsonWriter {
    private enum Scope { OBJECT_NAME, OBJECT_VALUE, ARRAY, TOP }

    private final StringBuilder out = new StringBuilder();
    private final Deque<Scope> scopes = new ArrayDeque<>();
    /** Whether the current object or array already holds an element, so the next one needs a comma. */
    private final Deque<Boolean> nonEmpty = new ArrayDeque<>();
    private boolean done;

    public JsonWriter() {
        scopes.push(Scope.TOP);
        nonEmpty.push(false);
    }

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        scopes.push(Scope.OBJECT_NAME);
        nonEmpty.push(false);
        return this;
    }

    public JsonWriter endObject() {
        if (scopes.peek() != Scope.OBJECT_NAME) {
            throw new IllegalStateException("endObject() outside an object or after a name");
        }
        scopes.pop();
        nonEmpty.pop();
        out.append('}');
        afterValue();
        return this;
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        scopes.push(Scope.ARRAY);
        nonEmpty.push(false);
        return this;
    }

    public JsonWriter endArray() {
        if (scopes.peek() != Scope.ARRAY) {
            throw new IllegalStateException("endArray() outside an array");
        }
        scopes.pop();
        nonEmpty.pop();
        out.append(']');
        afterValue();
        return this;
    }

    public JsonWriter name(String name) {
        if (scopes.peek() != Scope.OBJECT_NAME) {
            throw new IllegalStateException("name() outside an object or twice in a row");
        }
        if (nonEmpty.peek()) {
            out.append(',');
        }
        string(name);
        out.append(':');
        scopes.pop();
        scopes.push(Scope.OBJECT_VALUE);
        return this;
    }

    /** A string, or null. */
    public JsonWriter value(String value) {
        beforeValue();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        afterValue();
        return this;
    }

    public JsonWriter value(long value) {
        beforeValue();
        out.append(value);
        afterValue();
        return this;
    }

    /** A number; NaN and the infinities, which JSON cannot hold, as null. */
    public JsonWriter value(double value) {
        if (!Double.isFinite(value)) {
            return nullValue();
        }
        beforeValue();
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value); // 2 rather than 2.0
        } else {
            out.append(value); // Double.toString: digits, '.', maybe 'E' and an exponent, all valid JSON
        }
        afterValue();
        return this;
    }

    /** A whole number, or null. */
    public JsonWriter value(Long value) {
        return value == null ? nullValue() : value(value.longValue());
    }

    public JsonWriter value(boolean value) {
        beforeValue();
        out.append(value);
        afterValue();
        return this;
    }

    public JsonWriter nullValue() {
        return value((String) null);
    }

    /** The document; only once every object and array is closed. */
    @Override
    public String toString() {
        if (!done) {
            throw new IllegalStateException("incomplete JSON document: " + out);
        }
        return out.toString();
    }

    private void beforeValue() {
        Scope scope = scopes.peek();
        switch (scope) {
            case OBJECT_NAME -> throw new IllegalStateException("a value inside an object needs name() first");
            case ARRAY -> {
                if (nonEmpty.peek()) {
                    out.append(',');
                }
            }
            case TOP -> {
                if (done) {
                    throw new IllegalStateException("a JSON document has one top-level value");
                }
            }
            case OBJECT_VALUE -> {
                // the name wrote the separator
            }
        }
    }

    private void afterValue() {
        Scope scope = scopes.peek();
        if (scope == Scope.OBJECT_VALUE) {
            scopes.pop();
            scopes.push(Scope.OBJECT_NAME);
        } else if (scope == Scope.TOP) {
            done = true;
        }
        nonEmpty.pop();
        nonEmpty.push(true);
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // other control characters must be escaped; U+2028/2029 break JavaScript string literals
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
