package io.aqueduct.rtmp.internal.amf0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0Test {
    private final Amf0Reader reader = new Amf0Reader();

    private Object roundTrip(Object value) {
        ByteBuf buf = Unpooled.buffer();
        try {
            Amf0Writer.write(buf, value);
            Object read = reader.read(buf);
            assertFalse(buf.isReadable(), "every byte consumed");
            return read;
        } finally {
            buf.release();
        }
    }

    private static byte[] encode(Object... values) {
        ByteBuf buf = Unpooled.buffer();
        try {
            Amf0Writer.writeAll(buf, values);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    @Test
    void numbers() {
        assertEquals(1.5, roundTrip(1.5));
        assertEquals(5.0, roundTrip(5));
        assertEquals(-7.0, roundTrip(-7L));
        assertEquals(Double.NaN, roundTrip(Double.NaN));
        assertEquals(Double.MAX_VALUE, roundTrip(Double.MAX_VALUE));
    }

    @Test
    void numberWireFormat() {
        assertEquals("003ff0000000000000", hex(encode(1.0)));
    }

    @Test
    void booleans() {
        assertEquals(true, roundTrip(true));
        assertEquals(false, roundTrip(false));
        assertEquals("0101", hex(encode(true)));
    }

    @Test
    void strings() {
        assertEquals("", roundTrip(""));
        assertEquals("connect", roundTrip("connect"));
        assertEquals("grüße ✓ 日本", roundTrip("grüße ✓ 日本"));
        assertEquals("020007636f6e6e656374", hex(encode("connect")));
    }

    @Test
    void longStringIsChosenAbove65535Bytes() {
        String big = "x".repeat(70_000);
        byte[] bytes = encode(big);
        assertEquals(Amf0.LONG_STRING, bytes[0]);
        assertEquals(big, roundTrip(big));
        String edge = "y".repeat(65_535);
        assertEquals(Amf0.STRING, encode(edge)[0]);
        assertEquals(edge, roundTrip(edge));
    }

    @Test
    void longStringReadsShortContentToo() {
        ByteBuf buf = Unpooled.buffer().writeByte(Amf0.LONG_STRING).writeInt(3).writeBytes(new byte[] {'a', 'b', 'c'});
        try {
            assertEquals("abc", reader.read(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void nullAndUndefined() {
        assertNull(roundTrip(null));
        assertSame(Amf0.UNDEFINED, roundTrip(Amf0.UNDEFINED));
        assertEquals("0506", hex(encode(null, Amf0.UNDEFINED)));
    }

    @Test
    void objectsKeepOrderAndNest() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("level", "status");
        inner.put("code", "NetStream.Publish.Start");
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("z", 1);
        outer.put("a", inner);
        outer.put("n", null);
        outer.put("u", Amf0.UNDEFINED);
        Object read = roundTrip(outer);
        assertInstanceOf(LinkedHashMap.class, read);
        assertFalse(read instanceof Amf0EcmaArray);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) read;
        assertEquals(List.of("z", "a", "n", "u"), new ArrayList<>(map.keySet()));
        assertEquals(1.0, map.get("z"));
        assertEquals(inner, map.get("a"));
        assertNull(map.get("n"));
        assertSame(Amf0.UNDEFINED, map.get("u"));
        assertEquals("03000009", hex(encode(Map.of())));
    }

    @Test
    void ecmaArrayStaysAnEcmaArray() {
        Amf0EcmaArray meta = new Amf0EcmaArray();
        meta.put("width", 1280.0);
        meta.put("height", 720.0);
        meta.put("encoder", "Lavf");
        Object read = roundTrip(meta);
        assertInstanceOf(Amf0EcmaArray.class, read);
        assertEquals(meta, read);
        assertEquals(Amf0.ECMA_ARRAY, encode(meta)[0]);
    }

    @Test
    void ecmaArrayCountIsOnlyAHint() {
        // ffmpeg and others write counts that do not match; the end marker decides
        ByteBuf buf = Unpooled.buffer().writeByte(Amf0.ECMA_ARRAY).writeInt(99)
                .writeShort(1).writeByte('k').writeByte(Amf0.BOOLEAN).writeByte(1)
                .writeShort(0).writeByte(Amf0.OBJECT_END);
        try {
            assertEquals(Map.of("k", true), reader.read(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void strictArrays() {
        List<Object> list = Arrays.asList(1.0, "two", null, List.of(3.0), Map.of("k", "v"));
        assertEquals(list, roundTrip(list));
        assertEquals(List.of(1.0, 2.0), roundTrip(new Object[] {1, 2}));
        assertEquals(List.of(), roundTrip(List.of()));
    }

    @Test
    void dates() {
        Amf0Date date = new Amf0Date(1.7e12, (short) 60);
        assertEquals(date, roundTrip(date));
        assertEquals(new Amf0Date(0), roundTrip(new Amf0Date(0)));
    }

    @Test
    void aCommandReadsBack() {
        Map<String, Object> cmdObject = new LinkedHashMap<>();
        cmdObject.put("app", "live");
        cmdObject.put("tcUrl", "rtmp://127.0.0.1:1935/live");
        byte[] bytes = encode("connect", 1, cmdObject);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            assertEquals(List.of("connect", 1.0, cmdObject), reader.readAll(buf));
        } finally {
            buf.release();
        }
    }

    /** Every prefix of a valid encoding fails with a clear Amf0Exception, never an index error. */
    @Test
    void truncatedAtEveryByte() {
        Amf0EcmaArray meta = new Amf0EcmaArray();
        meta.put("duration", 0.0);
        meta.put("flags", Arrays.asList(true, null, Amf0.UNDEFINED, new Amf0Date(12345.0)));
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("meta", meta);
        obj.put("long", "L".repeat(70_000));
        obj.put("s", "short");
        byte[] bytes = encode(obj);
        for (int cut = 0; cut < bytes.length; cut++) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes, 0, cut);
            try {
                Amf0Exception e = assertThrows(Amf0Exception.class, () -> reader.read(buf), "cut at " + cut);
                assertTrue(e.getMessage().startsWith("truncated") || e.getMessage().contains("bytes follow"),
                        e.getMessage());
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void absurdLengthsAreRefusedBeforeAllocating() {
        assertRefused("only 0 bytes follow", buf -> buf.writeByte(Amf0.LONG_STRING).writeInt(-1));
        assertRefused("claims 4294967295 elements", buf -> buf.writeByte(Amf0.STRICT_ARRAY).writeInt(-1));
        assertRefused("String of 65535 bytes", buf -> buf.writeByte(Amf0.STRING).writeShort(0xFFFF).writeByte('a'));
    }

    @Test
    void depthIsLimited() {
        Amf0Reader shallow = new Amf0Reader(3, 100);
        ByteBuf buf = Unpooled.buffer();
        for (int i = 0; i < 4; i++) {
            buf.writeByte(Amf0.STRICT_ARRAY).writeInt(1);
        }
        buf.writeByte(Amf0.NULL);
        try {
            Amf0Exception e = assertThrows(Amf0Exception.class, () -> shallow.read(buf));
            assertTrue(e.getMessage().contains("nested deeper than 3"), e.getMessage());
        } finally {
            buf.release();
        }
        ByteBuf deep = Unpooled.buffer();
        for (int i = 0; i < 100_000; i++) {
            deep.writeByte(Amf0.OBJECT).writeShort(1).writeByte('k');
        }
        try {
            assertThrows(Amf0Exception.class, () -> reader.read(deep)); // no StackOverflowError
        } finally {
            deep.release();
        }
    }

    @Test
    void entriesAreLimited() {
        Amf0Reader small = new Amf0Reader(8, 2);
        assertRefused(small, "more than 2", buf -> buf.writeByte(Amf0.STRICT_ARRAY).writeInt(3)
                .writeByte(Amf0.NULL).writeByte(Amf0.NULL).writeByte(Amf0.NULL));
        assertRefused(small, "more than 2 properties", buf -> {
            buf.writeByte(Amf0.OBJECT);
            for (char c = 'a'; c < 'e'; c++) {
                buf.writeShort(1).writeByte(c).writeByte(Amf0.NULL);
            }
        });
    }

    @Test
    void unsupportedAndMisplacedMarkers() {
        for (int marker : new int[] {Amf0.MOVIECLIP, Amf0.REFERENCE, Amf0.UNSUPPORTED, Amf0.RECORDSET,
                Amf0.XML_DOCUMENT, Amf0.TYPED_OBJECT, Amf0.AVMPLUS_OBJECT, 0x12, 0xFF}) {
            assertRefused("unsupported AMF0 type marker 0x" + Integer.toHexString(marker),
                    buf -> buf.writeByte(marker));
        }
        assertRefused("end marker outside an object", buf -> buf.writeByte(Amf0.OBJECT_END));
    }

    @Test
    void writerRefusesWhatHasNoAmf0Form() {
        ByteBuf buf = Unpooled.buffer();
        try {
            assertThrows(IllegalArgumentException.class, () -> Amf0Writer.write(buf, new Object()));
            assertThrows(IllegalArgumentException.class, () -> Amf0Writer.write(buf, Map.of(1, "x")));
            assertThrows(IllegalArgumentException.class, () -> Amf0Writer.write(buf, Map.of("", "x")));
            Map<String, Object> cycle = new LinkedHashMap<>();
            cycle.put("self", cycle);
            assertThrows(IllegalArgumentException.class, () -> Amf0Writer.write(buf, cycle));
        } finally {
            buf.release();
        }
    }

    private void assertRefused(String expected, java.util.function.Consumer<ByteBuf> content) {
        assertRefused(reader, expected, content);
    }

    private static void assertRefused(Amf0Reader r, String expected, java.util.function.Consumer<ByteBuf> content) {
        ByteBuf buf = Unpooled.buffer();
        content.accept(buf);
        try {
            Amf0Exception e = assertThrows(Amf0Exception.class, () -> r.read(buf));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        } finally {
            buf.release();
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }
}
