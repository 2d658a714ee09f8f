package io.aqueduct.core.internal.hub;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.stream.EndReason;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionListener;
import io.aqueduct.api.stream.SubscriptionOptions;
import java.util.ArrayDeque;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's bounded queue. The publisher's thread offers packets (under the stream's lock); the
 * subscriber's thread takes them. When a packet does not fit, the subscriber is too slow: what it has queued
 * is dropped and it resumes at the next video keyframe, or it is disconnected once it has been skipped more
 * often than its options allow. Either way the publisher never waits.
 */
final class QueuedSubscription implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedSubscription.class);

    private final LiveStream stream;
    private final SubscriptionOptions options;
    private final SubscriptionListener listener;
    private final ArrayDeque<MediaPacket> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** Dropping packets until the next start point; {@code countDrops} says whether that is for slowness. */
    private boolean awaitingStart;
    private boolean countDrops;
    private EndReason endReason;
    private long dropped;
    private long skips;

    QueuedSubscription(LiveStream stream, SubscriptionOptions options, SubscriptionListener listener) {
        this.stream = stream;
        this.options = options;
        this.listener = listener;
    }

    @Override
    public StreamKey key() {
        return stream.key();
    }

    /** Starts the queue from the stream's cache; called under the stream's lock before the first offer. */
    synchronized void start(GopCache cache, boolean streamHasVideo) {
        if (cache.hasKeyframe()) {
            for (MediaPacket p : cache.packets()) {
                queue.add(p.retain());
                queuedBytes += p.size();
            }
        } else {
            // A video stream must be joined at a keyframe; an audio-only stream at any packet.
            awaitingStart = streamHasVideo;
        }
    }

    /** Takes a packet from the publisher; called under the stream's lock. Does not take over the reference. */
    void offer(MediaPacket packet, boolean streamHasVideo) {
        boolean wake;
        boolean tooSlow = false;
        synchronized (this) {
            if (endReason != null) {
                return;
            }
            boolean startPoint = packet.isVideoKeyframe() || !streamHasVideo;
            if (awaitingStart) {
                if (!startPoint) {
                    drop(1);
                    return;
                }
                awaitingStart = false;
                countDrops = false;
            }
            if (!queue.isEmpty() && overflows(packet)) {
                skips++;
                stream.countSkip();
                drop(queue.size());
                releaseQueue();
                if (options.maxSkips() >= 0 && skips > options.maxSkips()) {
                    endReason = EndReason.TOO_SLOW;
                    tooSlow = true;
                    drop(1);
                } else if (!startPoint) {
                    awaitingStart = true;
                    countDrops = true;
                    drop(1);
                    return;
                }
            }
            if (!tooSlow) {
                wake = queue.isEmpty();
                queue.add(packet.retain());
                queuedBytes += packet.size();
            } else {
                wake = true;
            }
        }
        if (tooSlow) {
            LOG.info("Subscriber of {} disconnected: it fell behind {} times (limit {})", stream.key(), skips,
                    options.maxSkips());
            stream.removeSlow(this);
        }
        if (wake) {
            notifyListener();
        }
    }

    private boolean overflows(MediaPacket packet) {
        long span = packet.dts() - queue.peekFirst().dts();
        return span > options.maxQueueMicros() || queuedBytes + packet.size() > options.maxQueueBytes();
    }

    private void drop(int packets) {
        if (packets > 0 && (countDrops || !awaitingStart)) {
            dropped += packets;
            stream.countDropped(packets);
        }
    }

    /** The stream ended: the subscriber still gets what it has queued, then the end. */
    void end(EndReason reason) {
        synchronized (this) {
            if (endReason != null) {
                return;
            }
            endReason = reason;
        }
        notifyListener();
    }

    private void notifyListener() {
        try {
            listener.onAvailable(this);
        } catch (RuntimeException e) {
            // A broken subscriber must not break the publisher or the other subscribers.
            LOG.warn("Subscriber of {} failed in onAvailable; closing it", stream.key(), e);
            close();
        }
    }

    @Override
    public synchronized MediaPacket poll() {
        MediaPacket p = queue.poll();
        if (p != null) {
            queuedBytes -= p.size();
        }
        return p;
    }

    @Override
    public synchronized int drainTo(Collection<? super MediaPacket> sink, int max) {
        int n = 0;
        while (n < max && !queue.isEmpty()) {
            MediaPacket p = queue.poll();
            queuedBytes -= p.size();
            sink.add(p);
            n++;
        }
        return n;
    }

    @Override
    public synchronized boolean isEnded() {
        return endReason != null && queue.isEmpty();
    }

    @Override
    public synchronized EndReason endReason() {
        return endReason;
    }

    @Override
    public synchronized long droppedPackets() {
        return dropped;
    }

    @Override
    public synchronized long skips() {
        return skips;
    }

    /** Packets waiting to be taken. */
    synchronized int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            releaseQueue();
            if (endReason == null) {
                endReason = EndReason.CLOSED;
            }
        }
        stream.remove(this);
    }

    private void releaseQueue() {
        for (MediaPacket p : queue) {
            p.release();
        }
        queue.clear();
        queuedBytes = 0;
    }
}
