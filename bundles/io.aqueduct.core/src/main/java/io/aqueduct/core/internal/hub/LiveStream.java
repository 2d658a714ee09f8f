package io.aqueduct.core.internal.hub;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.EndReason;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionListener;
import io.aqueduct.api.stream.SubscriptionOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One live stream: its publication, its GOP cache and its subscribers. Sending and subscribing hold the
 * stream's lock, so a new subscriber gets the cache and then every later packet, nothing twice and nothing
 * missed. Fan-out only adds a reference per subscriber; the payload is never copied.
 */
final class LiveStream implements Publication {
    private final DefaultStreamHub hub;
    private final StreamKey key;
    private final Optional<StreamKey> renditionOf;
    private final Instant started;
    private final Object lock = new Object();
    private final GopCache cache;
    private final CopyOnWriteArrayList<QueuedSubscription> subscribers = new CopyOnWriteArrayList<>();
    private final Map<Integer, Track> tracks = new TreeMap<>();
    private boolean hasVideo;
    private boolean closed;
    private long packetsIn;
    private long bytesIn;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong skips = new AtomicLong();
    private final AtomicLong slowDisconnects = new AtomicLong();

    LiveStream(DefaultStreamHub hub, StreamKey key, Optional<StreamKey> renditionOf, Instant started, GopCache cache) {
        this.hub = hub;
        this.key = key;
        this.renditionOf = renditionOf;
        this.started = started;
        this.cache = cache;
    }

    @Override
    public StreamKey key() {
        return key;
    }

    @Override
    public void send(MediaPacket packet) {
        try {
            synchronized (lock) {
                if (closed) {
                    throw new IllegalStateException("stream " + key + " has ended; publish it again to send");
                }
                packetsIn++;
                bytesIn += packet.size();
                Track track = packet.track();
                if (tracks.get(track.id()) != track) {
                    tracks.put(track.id(), track);
                }
                if (track.mediaType() == MediaType.VIDEO) {
                    hasVideo = true;
                }
                cache.add(packet);
                for (QueuedSubscription s : subscribers) {
                    s.offer(packet, hasVideo);
                }
            }
        } finally {
            packet.release();
        }
    }

    Optional<Subscription> subscribe(SubscriptionOptions options, SubscriptionListener listener) {
        synchronized (lock) {
            if (closed) {
                return Optional.empty();
            }
            QueuedSubscription s = new QueuedSubscription(this, options, listener);
            s.start(cache, hasVideo);
            subscribers.add(s);
            return Optional.of(s);
        }
    }

    @Override
    public void close() {
        end(EndReason.PUBLISHER_LEFT);
    }

    void end(EndReason reason) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            cache.clear();
            for (QueuedSubscription s : subscribers) {
                s.end(reason);
            }
            subscribers.clear();
        }
        hub.ended(this);
    }

    void remove(QueuedSubscription s) {
        subscribers.remove(s);
    }

    void removeSlow(QueuedSubscription s) {
        subscribers.remove(s);
        slowDisconnects.incrementAndGet();
        hub.countSlowDisconnect();
    }

    void countDropped(int packets) {
        dropped.addAndGet(packets);
        hub.countDropped(packets);
    }

    void countSkip() {
        skips.incrementAndGet();
        hub.countSkip();
    }

    int subscriberCount() {
        return subscribers.size();
    }

    StreamInfo info() {
        synchronized (lock) {
            return new StreamInfo(key, started, new ArrayList<>(tracks.values()), subscribers.size(), packetsIn,
                    bytesIn, dropped.get(), skips.get(), slowDisconnects.get(), renditionOf);
        }
    }
}
