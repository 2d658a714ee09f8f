package io.aqueduct.api.log;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The per-connection lines of a protocol (a connection opened, refused, closed), at most {@code linesPerWindow} of
 * them in each time window; the others are counted and summed up in one line when the window ends, for example
 * {@code ... and 1937 more RTMP connection events in the last 10 s (not logged one by one)}. A flood of idle
 * connections then costs a few lines instead of one per connection, and the operator still sees that it happened.
 *
 * <p>The summary is written by a task given to the {@link Timer} when the first line of a window is held back (so
 * it appears even when the flood stops), or by the first line after the window, whichever comes first. Time comes
 * from the given clock. Thread-safe; lines are written outside the lock.
 */
public final class RateLimitedLog {
    /** Runs a task once after a delay (a Netty event executor, a scheduled executor, a test's own queue). */
    @FunctionalInterface
    public interface Timer {
        void schedule(Runnable task, long delayNanos);
    }

    private final Logger logger;
    private final String what;
    private final int linesPerWindow;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Timer timer;

    private long windowStart;
    private int written;
    private long heldBack;

    /**
     * @param logger where the lines go
     * @param what what the held-back lines were, for the summary (for example "RTMP connection events")
     * @param linesPerWindow how many lines each window lets through, at least 1
     * @param window the length of a window, at least a millisecond
     * @param nanoClock monotonic time in nanoseconds ({@code System::nanoTime})
     * @param timer runs the summary at the end of a window in which lines were held back
     */
    public RateLimitedLog(Logger logger, String what, int linesPerWindow, Duration window, LongSupplier nanoClock,
            Timer timer) {
        if (linesPerWindow < 1) {
            throw new IllegalArgumentException("linesPerWindow must be at least 1, got " + linesPerWindow);
        }
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be at least 1 ms, got " + window);
        }
        this.logger = Objects.requireNonNull(logger, "logger");
        this.what = Objects.requireNonNull(what, "what");
        this.linesPerWindow = linesPerWindow;
        this.windowNanos = window.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.windowStart = nanoClock.getAsLong();
    }

    /** An INFO line, written or counted. Arguments a client chose must already be {@link LogSafe escaped}. */
    public void info(String format, Object... arguments) {
        if (logger.isInfoEnabled() && admit()) {
            logger.info(format, arguments);
        }
    }

    /** A WARN line, written or counted (in the same budget as INFO lines). */
    public void warn(String format, Object... arguments) {
        if (logger.isWarnEnabled() && admit()) {
            logger.warn(format, arguments);
        }
    }

    /** Writes the summary of a window that has ended, if lines were held back in it. */
    public void flush() {
        String summary;
        synchronized (this) {
            summary = endWindowIfOver(nanoClock.getAsLong());
        }
        if (summary != null) {
            logger.info(summary);
        }
    }

    private boolean admit() {
        String summary;
        boolean write;
        long scheduleIn = -1;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            summary = endWindowIfOver(now);
            write = written < linesPerWindow;
            if (write) {
                written++;
            } else if (heldBack++ == 0) {
                scheduleIn = Math.max(0, windowStart + windowNanos - now);
            }
        }
        if (summary != null) {
            logger.info(summary);
        }
        if (scheduleIn >= 0) {
            try {
                timer.schedule(this::flush, scheduleIn);
            } catch (RuntimeException e) {
                // the timer is shutting down (the node stops): the next line or flush writes the summary
            }
        }
        return write;
    }

    /** Starts a new window when the current one is over; returns the summary line of the old one, if any. */
    private String endWindowIfOver(long now) {
        if (now - windowStart < windowNanos) {
            return null;
        }
        String summary = heldBack == 0 ? null : "... and " + heldBack + " more " + what + " in the last "
                + windowSeconds(now) + " s (not logged one by one)";
        windowStart = now;
        written = 0;
        heldBack = 0;
        return summary;
    }

    private String windowSeconds(long now) {
        long nanos = now - windowStart;
        return nanos % 1_000_000_000L == 0 ? Long.toString(nanos / 1_000_000_000L)
                : String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
