package io.aqueduct.core.internal.hub;

import io.aqueduct.api.stream.EndReason;
import io.aqueduct.api.stream.HubStatistics;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamAlreadyLiveException;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionListener;
import io.aqueduct.api.stream.SubscriptionOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's stream hub; see {@link StreamHub}. */
@Component(service = StreamHub.class)
public final class DefaultStreamHub implements StreamHub {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultStreamHub.class);

    /** GOP cache bounds: generous for 8 s GOPs at high bitrates, small enough not to hoard memory. */
    static final int GOP_CACHE_MAX_PACKETS = 4096;
    static final long GOP_CACHE_MAX_BYTES = 64L << 20;

    private final Clock clock;
    private final ConcurrentMap<StreamKey, LiveStream> streams = new ConcurrentHashMap<>();
    private final List<StreamLifecycleListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong streamsStarted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong skips = new AtomicLong();
    private final AtomicLong slowDisconnects = new AtomicLong();

    public DefaultStreamHub() {
        this(Clock.systemUTC());
    }

    public DefaultStreamHub(Clock clock) {
        this.clock = clock;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addListener(StreamLifecycleListener listener) {
        listeners.add(listener);
    }

    public void removeListener(StreamLifecycleListener listener) {
        listeners.remove(listener);
    }

    @Override
    public Publication publish(StreamKey key) throws StreamAlreadyLiveException {
        Objects.requireNonNull(key, "key");
        LiveStream stream = new LiveStream(this, key, clock.instant(),
                new GopCache(GOP_CACHE_MAX_PACKETS, GOP_CACHE_MAX_BYTES));
        if (streams.putIfAbsent(key, stream) != null) {
            throw new StreamAlreadyLiveException(key);
        }
        streamsStarted.incrementAndGet();
        LOG.info("Stream {} started", key);
        for (StreamLifecycleListener l : listeners) {
            try {
                l.streamStarted(key);
            } catch (RuntimeException e) {
                LOG.warn("Stream listener {} failed on start of {}", l, key, e);
            }
        }
        return stream;
    }

    @Override
    public Optional<Subscription> subscribe(StreamKey key, SubscriptionOptions options,
            SubscriptionListener listener) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        LiveStream stream = streams.get(key);
        return stream == null ? Optional.empty() : stream.subscribe(options, listener);
    }

    @Override
    public Optional<StreamInfo> stream(StreamKey key) {
        LiveStream stream = streams.get(key);
        return stream == null ? Optional.empty() : Optional.of(stream.info());
    }

    @Override
    public List<StreamInfo> streams() {
        List<StreamInfo> all = new ArrayList<>();
        for (LiveStream s : streams.values()) {
            all.add(s.info());
        }
        all.sort((a, b) -> a.key().compareTo(b.key()));
        return all;
    }

    @Override
    public HubStatistics statistics() {
        int subscribers = 0;
        for (LiveStream s : streams.values()) {
            subscribers += s.subscriberCount();
        }
        return new HubStatistics(streams.size(), subscribers, streamsStarted.get(), dropped.get(), skips.get(),
                slowDisconnects.get());
    }

    /** Ends every stream, telling subscribers the hub stopped. */
    @Deactivate
    public void stop() {
        for (LiveStream s : List.copyOf(streams.values())) {
            s.end(EndReason.HUB_STOPPED);
        }
    }

    void ended(LiveStream stream) {
        if (!streams.remove(stream.key(), stream)) {
            return;
        }
        LOG.info("Stream {} ended", stream.key());
        for (StreamLifecycleListener l : listeners) {
            try {
                l.streamEnded(stream.key());
            } catch (RuntimeException e) {
                LOG.warn("Stream listener {} failed on end of {}", l, stream.key(), e);
            }
        }
    }

    void countDropped(int packets) {
        dropped.addAndGet(packets);
    }

    void countSkip() {
        skips.incrementAndGet();
    }

    void countSlowDisconnect() {
        slowDisconnects.incrementAndGet();
    }
}
