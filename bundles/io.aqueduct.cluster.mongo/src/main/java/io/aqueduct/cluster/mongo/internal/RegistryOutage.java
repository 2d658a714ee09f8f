package io.aqueduct.cluster.mongo.internal;

import io.aqueduct.cluster.mongo.MongoTarget;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the registry answers, and what follows when it does not: the reason and since when (for {@code /health}
 * and for reads, which fail at once with it), how long to wait before the next try, and the log.
 *
 * <p><b>Backoff.</b> After {@code n} failed tries in a row the next one waits the heartbeat period times
 * 2<sup>n</sup>, at least one period and at most {@value #MAX_BACKOFF_MS} ms; one answer starts again at the period.
 *
 * <p><b>The log is never flooded.</b> The registry going away is logged once (ERROR), then once every
 * {@link #STILL_DOWN_LOG} at most while it stays away (WARN, with the number of tries), and its return once (INFO).
 *
 * <p>Written on the registry thread only; the reason, its start and the failure count are read by any thread.
 */
final class RegistryOutage {
    static final long MAX_BACKOFF_MS = 10_000;
    /** How often a registry that stays away is logged again. */
    static final Duration STILL_DOWN_LOG = Duration.ofMinutes(1);
    /** Under the component's name, as before these parts were split out of it: operators filter the log by it. */
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final Ticker ticker;
    private volatile String reason;
    private volatile Instant since;
    private volatile int failures;

    // Registry thread only.
    private long failedCalls;
    private long lastFailureNanos;
    private long lastDownLogNanos;

    RegistryOutage(Ticker ticker) {
        this.ticker = ticker;
    }

    /** A registry call failed for want of the registry (the driver's MongoException), described in words. */
    void failed(String why) {
        failures++;
        failedCalls++;
        long now = ticker.nanoTime();
        lastFailureNanos = now;
        if (reason == null) {
            since = ticker.now();
            LOG.error("Registry unreachable: {}. This node keeps serving its streams and retries.", why);
            lastDownLogNanos = now;
        } else if (now - lastDownLogNanos > STILL_DOWN_LOG.toNanos()) {
            LOG.warn("Registry still unreachable ({} attempts): {}", failures, why);
            lastDownLogNanos = now;
        }
        reason = why;
    }

    /** A tick failed for another reason than the registry being away (a damaged document, a bug): backs off too. */
    void failedOtherwise() {
        failures++;
    }

    /** The registry answered a call: an outage, if any, is over (and logged as over). */
    void answered(MongoTarget target) {
        if (reason != null) {
            LOG.info("Registry {} reachable again after {} s; this node's streams are registered again", target,
                    Duration.between(since, ticker.now()).toSeconds());
        }
        reason = null;
        since = null;
        failures = 0;
    }

    /** Forgets everything: another registry, or none. */
    void reset() {
        reason = null;
        since = null;
        failures = 0;
    }

    boolean isDown() {
        return reason != null;
    }

    /** Why the registry is away; null while it answers. */
    String reason() {
        return reason;
    }

    /** When the registry stopped answering (wall clock); null while it answers. */
    Instant since() {
        return since;
    }

    /** Failed tries since the registry last answered. */
    int failures() {
        return failures;
    }

    /** Every call that failed for want of the registry since this node started: a change means it was away. */
    long failedCalls() {
        return failedCalls;
    }

    /** Whether the registry is away and the latest try failed less than {@code interval} ago. */
    boolean failedWithin(Duration interval) {
        return reason != null && ticker.nanoTime() - lastFailureNanos < interval.toNanos();
    }

    /** How long to wait before the next try after {@link #failures()} failures, for a heartbeat {@code period}. */
    long backoffMillis(Duration period) {
        long p = period.toMillis();
        return Math.max(p, Math.min(MAX_BACKOFF_MS, p << Math.min(failures, 6)));
    }
}
