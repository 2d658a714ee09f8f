package io.aqueduct.hls.internal.fmp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MediaTimeTest {
    @Test
    void roundsToTheNearestTick() {
        assertEquals(3003, MediaTime.toTicks(33_367, 90_000)); // 3003.03
        assertEquals(3003, MediaTime.toTicks(33_366, 90_000)); // 3002.94
        assertEquals(1, MediaTime.toTicks(6, 90_000)); // 0.54
        assertEquals(0, MediaTime.toTicks(5, 90_000)); // 0.45
        assertEquals(1024, MediaTime.toTicks(23_220, 44_100)); // 1024.002
        assertEquals(1, MediaTime.toTicks(50, 10_000), "halves round up");
    }

    @Test
    void convertsBack() {
        assertEquals(33_367, MediaTime.toMicros(3003, 90_000)); // 33 366.67
        assertEquals(1_000_000, MediaTime.toMicros(44_100, 44_100));
        assertEquals(1500, MediaTime.rescale(135_000, 90_000, 1000));
    }

    @Test
    void keepsAll64BitsWithoutOverflow() {
        long max = Long.MAX_VALUE;
        assertEquals(max / 1_000_000 * 90_000 + Math.round(max % 1_000_000 * 0.09), MediaTime.toTicks(max, 90_000));
        assertEquals(max / 1_000_000 * 48_000 + Math.round(max % 1_000_000 * 0.048), MediaTime.toTicks(max, 48_000));
    }

    @Test
    void refusesWhatDoesNotFit() {
        assertThrows(IllegalArgumentException.class, () -> MediaTime.toMicros(Long.MAX_VALUE / 10, 90_000));
    }

    @Test
    void negativeTimesFloor() {
        assertEquals(-3003, MediaTime.toTicks(-33_366, 90_000));
        assertEquals(0, MediaTime.toTicks(-5, 90_000));
    }
}
