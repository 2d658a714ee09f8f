package io.aqueduct.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void writesNestedObjectsAndArraysWithCommasInTheRightPlaces() {
        String json = new JsonWriter().beginObject()
                .name("a").value(1)
                .name("b").beginArray().value("x").value(true).nullValue().beginObject().endObject().endArray()
                .name("c").beginObject().name("d").value(false).endObject()
                .name("e").beginArray().endArray()
                .endObject().toString();
        assertEquals("{\"a\":1,\"b\":[\"x\",true,null,{}],\"c\":{\"d\":false},\"e\":[]}", json);
    }

    @Test
    void escapesWhatJsonRequires() {
        String json = new JsonWriter().value("q\" b\\ n\n r\r t\t \u0001 \u2028 é/").toString();
        assertEquals("\"q\\\" b\\\\ n\\n r\\r t\\t \\u0001 \\u2028 é/\"", json);
    }

    @Test
    void escapesNames() {
        assertEquals("{\"a\\\"b\":null}", new JsonWriter().beginObject().name("a\"b").value((String) null).endObject().toString());
    }

    @Test
    void writesNegativeAndLargeNumbers() {
        assertEquals("[-1,9223372036854775807]", new JsonWriter().beginArray().value(-1).value(Long.MAX_VALUE).endArray().toString());
    }

    @Test
    void writesDecimalsWholeNumbersWithoutAFractionAndNonFiniteAsNull() {
        String json = new JsonWriter().beginArray().value(0.25).value(-1.5).value(2.0).value(0.0001).value(1e20)
                .value(Double.NaN).value(Double.POSITIVE_INFINITY).endArray().toString();
        assertEquals("[0.25,-1.5,2,1.0E-4,1.0E20,null,null]", json);
    }

    @Test
    void writesABoxedWholeNumberOrNull() {
        assertEquals("{\"a\":7,\"b\":null}", new JsonWriter().beginObject().name("a").value(Long.valueOf(7))
                .name("b").value((Long) null).endObject().toString());
    }

    @Test
    void refusesMalformedDocuments() {
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().value("no name"));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().name("a").name("b"));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginArray().endObject());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().endArray());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().value(1).value(2));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().toString());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().toString());
    }
}
