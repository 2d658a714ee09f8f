package io.aqueduct.hls.internal.stream;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long frames wait between reaching the segmenter and being downloadable in a part: a histogram in
 * milliseconds (1 ms buckets up to {@value #MAX_MILLIS} ms, the rest in the last one), written by the segmenter
 * thread and read by anyone.
 */
public final class PartLatency {
    static final int MAX_MILLIS = 2000;
    private final AtomicLongArray buckets = new AtomicLongArray(MAX_MILLIS + 1);

    void record(long nanos) {
        int ms = (int) Math.min(MAX_MILLIS, Math.max(0, nanos / 1_000_000));
        buckets.incrementAndGet(ms);
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < buckets.length(); i++) {
            n += buckets.get(i);
        }
        return n;
    }

    /** The latency in milliseconds below which a fraction {@code q} (0..1) of frames fall; -1 when none yet. */
    public int percentile(double q) {
        long total = count();
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < buckets.length(); i++) {
            seen += buckets.get(i);
            if (seen >= rank && seen > 0) {
                return i;
            }
        }
        return MAX_MILLIS;
    }
}
