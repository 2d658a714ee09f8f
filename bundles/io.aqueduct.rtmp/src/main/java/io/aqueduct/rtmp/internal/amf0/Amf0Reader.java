package io.aqueduct.rtmp.internal.amf0;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads AMF0 values from a {@link ByteBuf}.
 *
 * <p>Every length is checked against what is left in the buffer before anything is read or allocated, so a
 * truncated or absurd value fails with an {@link Amf0Exception} and never reads past the buffer. Nesting is
 * limited ({@link #maxDepth()}) so a hostile value cannot exhaust the stack, and a container may hold at most
 * {@link #maxEntries()} entries. On an exception the buffer's reader index is left wherever reading stopped;
 * the caller discards the message. Immutable and thread-safe.
 */
public final class Amf0Reader {
    /** Nesting depth of objects and arrays; real commands nest two or three deep. */
    public static final int DEFAULT_MAX_DEPTH = 32;
    /** Entries in one object or array; {@code onMetaData} has a few dozen. */
    public static final int DEFAULT_MAX_ENTRIES = 65_536;

    private final int maxDepth;
    private final int maxEntries;

    public Amf0Reader() {
        this(DEFAULT_MAX_DEPTH, DEFAULT_MAX_ENTRIES);
    }

    public Amf0Reader(int maxDepth, int maxEntries) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, was " + maxDepth);
        }
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must not be negative, was " + maxEntries);
        }
        this.maxDepth = maxDepth;
        this.maxEntries = maxEntries;
    }

    public int maxDepth() {
        return maxDepth;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** Reads one value; see the package documentation for the Java types. */
    public Object read(ByteBuf in) {
        return readValue(in, 0);
    }

    /** Reads values until the buffer is empty (a command: name, transaction id, arguments). */
    public List<Object> readAll(ByteBuf in) {
        List<Object> values = new ArrayList<>();
        while (in.isReadable()) {
            if (values.size() >= maxEntries) {
                throw new Amf0Exception("more than " + maxEntries + " AMF0 values in one message");
            }
            values.add(readValue(in, 0));
        }
        return values;
    }

    private Object readValue(ByteBuf in, int depth) {
        need(in, 1, "type marker");
        int marker = in.readUnsignedByte();
        switch (marker) {
            case Amf0.NUMBER:
                need(in, 8, "Number");
                return in.readDouble();
            case Amf0.BOOLEAN:
                need(in, 1, "Boolean");
                return in.readByte() != 0;
            case Amf0.STRING:
                return readUtf8(in);
            case Amf0.LONG_STRING:
                return readLongUtf8(in);
            case Amf0.OBJECT:
                return readProperties(in, depth, new LinkedHashMap<>(), "Object");
            case Amf0.ECMA_ARRAY:
                // The count is only a hint (encoders get it wrong); the entries end with the end marker.
                need(in, 4, "ECMA Array count");
                in.skipBytes(4);
                return readProperties(in, depth, new Amf0EcmaArray(), "ECMA Array");
            case Amf0.STRICT_ARRAY:
                return readStrictArray(in, depth);
            case Amf0.NULL:
                return null;
            case Amf0.UNDEFINED_MARKER:
                return Amf0.UNDEFINED;
            case Amf0.DATE:
                need(in, 10, "Date");
                double millis = in.readDouble();
                return new Amf0Date(millis, in.readShort());
            case Amf0.OBJECT_END:
                throw new Amf0Exception("AMF0 object end marker outside an object");
            default:
                throw new Amf0Exception("unsupported AMF0 type marker 0x" + Integer.toHexString(marker));
        }
    }

    private <M extends Map<String, Object>> M readProperties(ByteBuf in, int depth, M map, String what) {
        if (depth >= maxDepth) {
            throw new Amf0Exception("AMF0 values nested deeper than " + maxDepth);
        }
        while (true) {
            String key = readUtf8(in);
            need(in, 1, what + " property type marker");
            if (key.isEmpty() && in.getUnsignedByte(in.readerIndex()) == Amf0.OBJECT_END) {
                in.skipBytes(1);
                return map;
            }
            if (map.size() >= maxEntries) {
                throw new Amf0Exception("AMF0 " + what + " has more than " + maxEntries + " properties");
            }
            map.put(key, readValue(in, depth + 1));
        }
    }

    private List<Object> readStrictArray(ByteBuf in, int depth) {
        if (depth >= maxDepth) {
            throw new Amf0Exception("AMF0 values nested deeper than " + maxDepth);
        }
        need(in, 4, "Strict Array count");
        long count = in.readUnsignedInt();
        // Every element takes at least one byte: a count beyond the buffer is a lie, refuse before allocating.
        if (count > in.readableBytes()) {
            throw new Amf0Exception("AMF0 Strict Array claims " + count + " elements but only "
                    + in.readableBytes() + " bytes follow");
        }
        if (count > maxEntries) {
            throw new Amf0Exception("AMF0 Strict Array has " + count + " elements, more than " + maxEntries);
        }
        List<Object> list = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            list.add(readValue(in, depth + 1));
        }
        return list;
    }

    private static String readUtf8(ByteBuf in) {
        need(in, 2, "String length");
        int length = in.readUnsignedShort();
        return readUtf8(in, length);
    }

    private static String readLongUtf8(ByteBuf in) {
        need(in, 4, "Long String length");
        long length = in.readUnsignedInt();
        if (length > in.readableBytes()) {
            throw new Amf0Exception("AMF0 Long String of " + length + " bytes but only " + in.readableBytes()
                    + " bytes follow");
        }
        return readUtf8(in, (int) length);
    }

    private static String readUtf8(ByteBuf in, int length) {
        if (length > in.readableBytes()) {
            throw new Amf0Exception("AMF0 String of " + length + " bytes but only " + in.readableBytes()
                    + " bytes follow");
        }
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    private static void need(ByteBuf in, int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new Amf0Exception("truncated AMF0 " + what + ": need " + bytes + " bytes, "
                    + in.readableBytes() + " left");
        }
    }
}
