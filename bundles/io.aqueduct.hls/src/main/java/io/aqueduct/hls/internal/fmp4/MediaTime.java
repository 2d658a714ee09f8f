package io.aqueduct.hls.internal.fmp4;

/** Converts between the hub's microseconds and the timescales (ticks per second) of an MP4 file. */
final class MediaTime {
    static final long MICROS_PER_SECOND = 1_000_000;

    private MediaTime() {
    }

    /**
     * Microseconds to ticks of {@code timescale}, rounded to the nearest tick (halves up). Callers convert absolute
     * timestamps and subtract ticks, never convert durations, so rounding errors do not add up over a stream.
     *
     * @throws IllegalArgumentException when the result does not fit in 64 bits
     */
    static long toTicks(long micros, long timescale) {
        return rescale(micros, MICROS_PER_SECOND, timescale);
    }

    /** Ticks of {@code timescale} to microseconds, rounded to the nearest microsecond. */
    static long toMicros(long ticks, long timescale) {
        return rescale(ticks, timescale, MICROS_PER_SECOND);
    }

    /**
     * {@code value * to / from}, rounded to the nearest integer (halves up), for any 64-bit {@code value}: the whole
     * units of {@code from} and the remainder are scaled separately, so nothing overflows that fits the result.
     */
    static long rescale(long value, long from, long to) {
        long whole = Math.floorDiv(value, from);
        long rest = Math.floorMod(value, from); // 0 <= rest < from, so rest * to fits for any real timescale
        try {
            return Math.addExact(Math.multiplyExact(whole, to), Math.floorDiv(rest * to + from / 2, from));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(value + " at " + from + "/s does not fit 64 bits at " + to + "/s", e);
        }
    }
}
