package io.aqueduct.cluster.mongo.internal;

import com.mongodb.MongoException;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's heartbeat: a tick every heartbeat period on the registry thread. The first good tick prepares the
 * registry (indexes) and reads the cluster secret; every tick writes this node's document and then brings the
 * registry in line with the hub ({@link OriginClaims#reconcile}). A failed tick is retried after
 * {@link RegistryOutage}'s backoff.
 *
 * <p>Ticks run on the registry thread; what they learnt (the latest heartbeat, the secret, the next delay, a
 * problem that is not the registry being away) is read by any thread.
 */
final class Heartbeat {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final ScheduledExecutorService worker;
    private final Ticker ticker;
    private final RegistryOutage outage;
    private final Supplier<NodeRecord> report;
    private final Consumer<RegistryClient> reconcile;

    private volatile Instant last;
    private volatile long lastNanos;
    /** The cluster's shared secret, read at the first good tick; null before. */
    private volatile byte[] secret;
    private volatile String problem;
    private volatile long nextDelayMillis;

    // Registry thread only.
    private boolean prepared;
    private ScheduledFuture<?> nextTick;

    /**
     * @param worker the registry thread
     * @param report what this node reports with every heartbeat
     * @param reconcile what follows every heartbeat: the registry brought in line with the hub
     */
    Heartbeat(ScheduledExecutorService worker, Ticker ticker, RegistryOutage outage, Supplier<NodeRecord> report,
            Consumer<RegistryClient> reconcile) {
        this.worker = worker;
        this.ticker = ticker;
        this.outage = outage;
        this.report = report;
        this.reconcile = reconcile;
    }

    /** Starts ticking through a new connection, at once. */
    void start(RegistryClient c) {
        prepared = false;
        schedule(c, 0);
    }

    /** Stops ticking and forgets what the registry said: another registry may be another cluster. */
    void stop() {
        if (nextTick != null) {
            nextTick.cancel(false);
            nextTick = null;
        }
        secret = null;
        last = null;
        problem = null;
    }

    private void schedule(RegistryClient c, long delayMillis) {
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        try {
            nextTick = worker.schedule(ClusterMembership.safely(() -> tick(c)), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // deactivating
        }
    }

    private void tick(RegistryClient c) {
        long delay = c.settings().heartbeatPeriod().toMillis();
        try {
            if (!prepared) {
                c.registry().ensureIndexes();
                secret = c.registry().secret();
                prepared = true;
            }
            beat(c);
            reconcile.accept(c);
            problem = null;
        } catch (MongoException e) {
            outage.failed(c.describe(e));
            delay = outage.backoffMillis(c.settings().heartbeatPeriod());
        } catch (RuntimeException e) {
            // not the network: a damaged registry document or a bug; the registry is reachable, so publishes
            // are still checked, but the tick is retried with backoff and reported
            outage.failedOtherwise();
            String failure = "registry update failed: " + e;
            if (!failure.equals(problem)) {
                LOG.error("Registry update failed; retrying", e);
            }
            problem = failure;
            delay = outage.backoffMillis(c.settings().heartbeatPeriod());
        } finally {
            nextDelayMillis = delay;
            schedule(c, delay);
        }
    }

    /** Writes this node's document now (the registry learns the server's time from it). On the registry thread. */
    void beat(RegistryClient c) {
        last = c.registry().heartbeat(report.get());
        lastNanos = ticker.nanoTime();
        outage.answered(c.target());
    }

    /** Whether this node has heartbeat through the current connection. */
    boolean hasBeaten() {
        return last != null;
    }

    /** How long ago the latest heartbeat was written, in milliseconds of the monotonic clock. */
    long millisSinceLast() {
        return TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - lastNanos);
    }

    /** The cluster secret, or null before the first good tick. */
    byte[] secret() {
        return secret;
    }

    /** A failure of the latest tick that is not the registry being away; null if none. */
    String problem() {
        return problem;
    }

    /** How long the latest tick waits before the next. */
    long nextDelayMillis() {
        return nextDelayMillis;
    }
}
