package io.aqueduct.cluster.mongo.internal;

import java.time.Instant;

/**
 * The registry client's time: a monotonic clock for every interval it measures (heartbeat age, backoff, admission
 * grace, how long the registry has been away), and the wall clock only for what an operator reads ("unreachable
 * since"). Injected so that tests run those intervals in simulated time.
 */
interface Ticker {
    /** {@link System#nanoTime()} and {@link Instant#now()}. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };

    /** Monotonic nanoseconds, comparable only with other values of this ticker. */
    long nanoTime();

    /** The wall clock, for messages. */
    Instant now();
}
