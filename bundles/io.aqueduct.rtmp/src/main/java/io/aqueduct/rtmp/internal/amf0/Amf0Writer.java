package io.aqueduct.rtmp.internal.amf0;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Writes Java values as AMF0; the mapping is the reader's (see the package documentation). A value with no
 * AMF0 form, a property name over 65535 UTF-8 bytes, or nesting deeper than {@link #MAX_DEPTH} (a cycle)
 * is refused with an {@link IllegalArgumentException}: that is our bug, not the peer's.
 */
public final class Amf0Writer {
    /** Bounds recursion so that a map that contains itself fails instead of overflowing the stack. */
    public static final int MAX_DEPTH = 64;

    private Amf0Writer() {
    }

    /** Writes each value in turn (a command: name, transaction id, arguments). */
    public static void writeAll(ByteBuf out, Object... values) {
        for (Object value : values) {
            write(out, value);
        }
    }

    public static void write(ByteBuf out, Object value) {
        write(out, value, 0);
    }

    private static void write(ByteBuf out, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 value nested deeper than " + MAX_DEPTH + " (a cycle?)");
        }
        if (value == null) {
            out.writeByte(Amf0.NULL);
        } else if (value == Amf0.UNDEFINED) {
            out.writeByte(Amf0.UNDEFINED_MARKER);
        } else if (value instanceof Number number) {
            out.writeByte(Amf0.NUMBER);
            out.writeDouble(number.doubleValue());
        } else if (value instanceof Boolean bool) {
            out.writeByte(Amf0.BOOLEAN);
            out.writeByte(bool ? 1 : 0);
        } else if (value instanceof CharSequence chars) {
            int length = ByteBufUtil.utf8Bytes(chars);
            if (length <= Amf0.MAX_SHORT_STRING) {
                out.writeByte(Amf0.STRING);
                out.writeShort(length);
            } else {
                out.writeByte(Amf0.LONG_STRING);
                out.writeInt(length);
            }
            out.writeCharSequence(chars, StandardCharsets.UTF_8);
        } else if (value instanceof Amf0Date date) {
            out.writeByte(Amf0.DATE);
            out.writeDouble(date.epochMillis());
            out.writeShort(date.timeZone());
        } else if (value instanceof Amf0EcmaArray array) {
            out.writeByte(Amf0.ECMA_ARRAY);
            out.writeInt(array.size());
            writeProperties(out, array, depth);
        } else if (value instanceof Map<?, ?> map) {
            out.writeByte(Amf0.OBJECT);
            writeProperties(out, map, depth);
        } else if (value instanceof Collection<?> list) {
            out.writeByte(Amf0.STRICT_ARRAY);
            out.writeInt(list.size());
            for (Object element : list) {
                write(out, element, depth + 1);
            }
        } else if (value instanceof Object[] array) {
            out.writeByte(Amf0.STRICT_ARRAY);
            out.writeInt(array.length);
            for (Object element : array) {
                write(out, element, depth + 1);
            }
        } else {
            throw new IllegalArgumentException("no AMF0 form for " + value.getClass().getName());
        }
    }

    private static void writeProperties(ByteBuf out, Map<?, ?> map, int depth) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException("AMF0 property names are strings, not " + entry.getKey());
            }
            int length = ByteBufUtil.utf8Bytes(key);
            if (length == 0 || length > Amf0.MAX_SHORT_STRING) {
                throw new IllegalArgumentException("AMF0 property name must be 1 to 65535 UTF-8 bytes: '" + key + "'");
            }
            out.writeShort(length);
            out.writeCharSequence(key, StandardCharsets.UTF_8);
            write(out, entry.getValue(), depth + 1);
        }
        out.writeShort(0);
        out.writeByte(Amf0.OBJECT_END);
    }
}
