package io.aqueduct.api.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamKeyTest {

    @Test
    void parsesAppAndName() {
        StreamKey k = StreamKey.parse("live/test_720p");
        assertEquals("live", k.app());
        assertEquals("test_720p", k.name());
        assertEquals("live/test_720p", k.toString());
        assertEquals(k, StreamKey.of("live", "test_720p"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "live", "live/", "/test", "live/a/b", "../etc", "live/..", "live/.", "live/a b",
            "live/a%2F", "live/a?b", "li\nve/x"})
    void refusesKeysThatCouldEscapeAPathOrAreMalformed(String key) {
        assertThrows(IllegalArgumentException.class, () -> StreamKey.parse(key));
    }

    @Test
    void refusesOverlongNames() {
        assertThrows(IllegalArgumentException.class, () -> StreamKey.of("live", "x".repeat(StreamKey.MAX_PART_LENGTH + 1)));
        assertEquals(StreamKey.MAX_PART_LENGTH, StreamKey.of("live", "x".repeat(StreamKey.MAX_PART_LENGTH)).name().length());
    }
}
