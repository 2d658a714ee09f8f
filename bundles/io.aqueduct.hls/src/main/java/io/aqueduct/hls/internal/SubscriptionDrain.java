package io.aqueduct.hls.internal;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionOptions;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one hub subscription to a consumer on a shared executor, one thread at a time, so that no publisher waits
 * for muxing or disk writes and each consumer sees its packets in order without locking of its own.
 */
public final class SubscriptionDrain {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionDrain.class);

    private final StreamKey key;
    private final Executor executor;
    private final Consumer<MediaPacket> consumer;
    private final Runnable ended;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile Subscription subscription;

    /**
     * @param consumer gets each packet borrowed (released after it returns)
     * @param ended runs once after the last packet, on the same kind of thread, when the stream ends or the
     *     subscription is dropped by the hub
     */
    private SubscriptionDrain(StreamKey key, Executor executor, Consumer<MediaPacket> consumer, Runnable ended) {
        this.key = key;
        this.executor = executor;
        this.consumer = consumer;
        this.ended = ended;
    }

    /** Subscribes; empty when the stream is not live. */
    public static Optional<SubscriptionDrain> start(StreamHub hub, StreamKey key, SubscriptionOptions options,
            Executor executor, Consumer<MediaPacket> consumer, Runnable ended) {
        SubscriptionDrain drain = new SubscriptionDrain(key, executor, consumer, ended);
        synchronized (drain) {
            Optional<Subscription> s = hub.subscribe(key, options, sub -> drain.schedule());
            if (s.isEmpty()) {
                return Optional.empty();
            }
            drain.subscription = s.get();
        }
        drain.schedule();
        return Optional.of(drain);
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // shutting down: close() takes care of the rest
            }
        }
    }

    private void drain() {
        // the end action runs outside the lock: it may take locks of its own that close() callers hold
        if (drainQueued()) {
            try {
                ended.run();
            } catch (RuntimeException e) {
                // a task on a pool: an exception would vanish without this
                LOG.warn("{}: finishing the subscription failed: {}", key, e.toString(), e);
            }
        }
    }

    /** Feeds what is queued; true when the stream has ended with it. */
    private synchronized boolean drainQueued() {
        scheduled.set(false);
        Subscription sub = subscription;
        if (sub == null) {
            return false;
        }
        MediaPacket p;
        while ((p = sub.poll()) != null) {
            try {
                consumer.accept(p);
            } catch (RuntimeException e) {
                LOG.warn("{}: a packet failed: {}", key, e.toString(), e);
            } finally {
                p.release();
            }
        }
        if (sub.isEnded()) {
            LOG.debug("{} ends: {}", key, sub.endReason());
            subscription = null;
            return true;
        }
        return false;
    }

    public boolean isActive() {
        return subscription != null;
    }

    /** Unsubscribes without running the end action; what is queued is dropped. */
    public synchronized void close() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
