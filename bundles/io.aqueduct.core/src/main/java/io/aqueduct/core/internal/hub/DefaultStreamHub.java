package io.aqueduct.core.internal.hub;

import io.aqueduct.api.stream.EndReason;
import io.aqueduct.api.stream.HubStatistics;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
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
import java.util.function.Consumer;
import org.osgi.service.component.ComponentServiceObjects;
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
    private final List<WhiteboardListener> listenerServices = new CopyOnWriteArrayList<>();
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

    /** A listener outside OSGi (tests, embedding). */
    public void addListener(StreamLifecycleListener listener) {
        listeners.add(listener);
    }

    public void removeListener(StreamLifecycleListener listener) {
        listeners.remove(listener);
    }

    /**
     * Whiteboard listeners are bound as service objects and fetched on their first event, not at binding: most
     * listeners (HLS, recording) need this hub themselves, and getting their service while the hub activates
     * would be a circular reference.
     */
    @Reference(service = StreamLifecycleListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addListenerService(ComponentServiceObjects<StreamLifecycleListener> listener) {
        listenerServices.add(new WhiteboardListener(listener));
    }

    void removeListenerService(ComponentServiceObjects<StreamLifecycleListener> listener) {
        listenerServices.removeIf(w -> w.objects == listener);
    }

    /**
     * A bound whiteboard listener, fetched once on its first event and then kept until it is unbound; SCR ungets
     * it then. Never a get and an unget per event: Felix (7.0.5) counts the uses of a service per bundle, and a
     * get on one publisher's thread racing an unget on another's as that count crosses zero loses the service
     * object, so the next unget throws IllegalArgumentException (about 1 % of publishes in a burst of thousands).
     */
    private static final class WhiteboardListener {
        final ComponentServiceObjects<StreamLifecycleListener> objects;
        private StreamLifecycleListener service;

        WhiteboardListener(ComponentServiceObjects<StreamLifecycleListener> objects) {
            this.objects = objects;
        }

        /** The listener, or null while its service cannot be had (it is going away). */
        synchronized StreamLifecycleListener service() {
            if (service == null) {
                service = objects.getService();
            }
            return service;
        }
    }

    /**
     * Tells every listener, in and outside OSGi; a listener that fails, or cannot be had, is logged and the others
     * still hear.
     */
    private void notifyListeners(String what, StreamKey key, Consumer<StreamLifecycleListener> event) {
        for (StreamLifecycleListener l : listeners) {
            notify(l, what, key, event);
        }
        for (WhiteboardListener w : listenerServices) {
            StreamLifecycleListener l;
            try {
                l = w.service();
            } catch (RuntimeException e) {
                LOG.warn("Stream listener {} unavailable for the {} of {}", w.objects.getServiceReference(), what,
                        key, e);
                continue;
            }
            if (l != null) {
                notify(l, what, key, event);
            }
        }
    }

    private static void notify(StreamLifecycleListener l, String what, StreamKey key,
            Consumer<StreamLifecycleListener> event) {
        try {
            event.accept(l);
        } catch (RuntimeException | LinkageError e) { // a LinkageError: the listener's bundle is going away
            LOG.warn("Stream listener {} failed on the {} of {}", l, what, key, e);
        }
    }

    @Override
    public Publication publish(StreamKey key, PublishOptions options) throws StreamAlreadyLiveException {
        Objects.requireNonNull(key, "key");
        if (options.renditionOf().filter(key::equals).isPresent()) {
            throw new IllegalArgumentException("stream " + key + " cannot be a rendition of itself");
        }
        LiveStream stream = new LiveStream(this, key, options.renditionOf(), clock.instant(),
                new GopCache(GOP_CACHE_MAX_PACKETS, GOP_CACHE_MAX_BYTES));
        if (streams.putIfAbsent(key, stream) != null) {
            throw new StreamAlreadyLiveException(key);
        }
        try {
            streamsStarted.incrementAndGet();
            LOG.info("Stream {} started", key);
            notifyListeners("start", key, l -> l.streamStarted(key));
        } catch (Throwable t) {
            // Never a half-published stream: the key would stay "already live" until a restart.
            try {
                stream.close();
            } catch (Throwable again) {
                t.addSuppressed(again);
            }
            throw t;
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
        notifyListeners("end", stream.key(), l -> l.streamEnded(stream.key()));
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
