package io.aqueduct.rest.internal.security;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down guessing: per client address, the count of failed logins in a row. The first
 * {@code freeFailures} cost nothing; after that each attempt with credentials waits (counted from the last
 * failure) {@code firstDelay}, then twice as long after each further failure, up to {@code maxDelay}. A login
 * that works clears the address; one left alone for {@code forgetAfter} starts afresh.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} entries, the least recently failed one goes first. Only one
 * request per address, and at most {@code maxWaiting} in all, may be waiting at a time; the others are refused at
 * once, so a flood of parallel guesses cannot hold the server's threads.
 */
final class LoginThrottle {

    record Settings(int freeFailures, long firstDelayMs, long maxDelayMs, int maxAddresses, long forgetAfterMs,
            int maxWaiting) {
        // at most 4 waiting requests: Jetty has 32 threads, and viewers need them
        static final Settings DEFAULTS = new Settings(3, 250, 10_000, 10_000, 15 * 60_000L, 4);
    }

    /** What a request with credentials must do: wait {@code waitMs} first, or be refused now. */
    record Admission(boolean refused, long waitMs) {
    }

    private static final class Failures {
        int count;
        long lastNanos;
        boolean waiting;
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Failures> byAddress;
    private int waiting;

    LoginThrottle(Settings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.byAddress = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > settings.maxAddresses() && !eldest.getValue().waiting;
            }
        };
    }

    Settings settings() {
        return settings;
    }

    /** The wait before the next attempt after {@code failures} failures in a row. */
    long delayAfterMs(int failures) {
        int over = failures - settings.freeFailures();
        if (over <= 0) {
            return 0;
        }
        long delay = settings.firstDelayMs();
        for (int i = 1; i < over && delay < settings.maxDelayMs(); i++) {
            delay *= 2;
        }
        return Math.min(delay, settings.maxDelayMs());
    }

    /** Asked before an attempt with credentials from {@code address} is checked. */
    synchronized Admission admit(String address) {
        Failures f = current(address);
        if (f == null) {
            return new Admission(false, 0);
        }
        long sinceMs = (nanoClock.getAsLong() - f.lastNanos) / 1_000_000;
        long waitMs = Math.max(0, delayAfterMs(f.count) - sinceMs);
        if (waitMs == 0) {
            return new Admission(false, 0);
        }
        if (f.waiting || waiting >= settings.maxWaiting()) {
            return new Admission(true, waitMs);
        }
        f.waiting = true;
        waiting++;
        return new Admission(false, waitMs);
    }

    /** After an admitted wait ended (call it exactly once for each admission with a wait). */
    synchronized void waited(String address) {
        Failures f = byAddress.get(address);
        if (f != null && f.waiting) {
            f.waiting = false;
            waiting--;
        }
    }

    /** Records a failed login; the count of failures in a row from the address. */
    synchronized int failed(String address) {
        Failures f = current(address);
        if (f == null) {
            f = new Failures();
            byAddress.put(address, f);
            trim(); // the eldest may have been waiting, and so kept by removeEldestEntry
        }
        f.count++;
        f.lastNanos = nanoClock.getAsLong();
        return f.count;
    }

    /** A login that worked: the address starts afresh. */
    synchronized void succeeded(String address) {
        Failures f = byAddress.get(address);
        if (f != null && !f.waiting) {
            byAddress.remove(address);
        }
    }

    synchronized int addresses() {
        return byAddress.size();
    }

    /** The address's failures, or null when it has none that still count. */
    private Failures current(String address) {
        Failures f = byAddress.get(address);
        if (f != null && !f.waiting && nanoClock.getAsLong() - f.lastNanos > settings.forgetAfterMs() * 1_000_000) {
            byAddress.remove(address);
            return null;
        }
        return f;
    }

    private void trim() {
        Iterator<Failures> it = byAddress.values().iterator();
        while (byAddress.size() > settings.maxAddresses() && it.hasNext()) {
            if (!it.next().waiting) {
                it.remove();
            }
        }
    }
}
