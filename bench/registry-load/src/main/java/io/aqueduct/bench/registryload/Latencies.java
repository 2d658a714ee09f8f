package io.aqueduct.bench.registryload;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Durations in nanoseconds, kept whole (a run records at most a few hundred thousand), for exact percentiles. */
final class Latencies {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    /** All values of several logs, sorted. */
    static long[] sorted(List<Latencies> logs) {
        int n = 0;
        for (Latencies l : logs) {
            n += l.count();
        }
        long[] all = new long[n];
        int at = 0;
        for (Latencies l : logs) {
            synchronized (l) {
                System.arraycopy(l.values, 0, all, at, l.size);
                at += l.size;
            }
        }
        Arrays.sort(all);
        return all;
    }

    /** Nearest-rank percentile of sorted values, or -1 when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Milliseconds with two decimals. */
    static String ms(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
