package io.aqueduct.edge.internal.node;

import io.aqueduct.api.log.LogSafe;
import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.access.StreamAccessPolicy;
import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.net.EventLoops;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.api.stream.StreamSource;
import io.aqueduct.api.stream.ViewerCount;
import io.aqueduct.edge.internal.edge.RelayClient;
import io.aqueduct.edge.internal.edge.RelayedStream;
import io.aqueduct.edge.internal.token.RelayToken;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge side of the relay: brings a stream a viewer asks for into this edge's hub by pulling it from its origin
 * ({@link StreamSource}: RTMP play and HLS playlist requests ask it), one connection per origin shared by every
 * stream pulled from it, and refuses publishers ({@link StreamAccessPolicy}: an edge takes none). Runs on cluster
 * edges only.
 *
 * <p>A request for a key not live here looks the key up in the registry (on a thread of its own: that is a network
 * call), connects to the origin's relay port unless connected already (with a token signed by the cluster secret),
 * and subscribes; the request completes when the stream is published into this hub, or with the reason it cannot
 * be: no origin has it, the origin cannot be reached or refused the edge. Requests for the same key while one is
 * under way share it.
 *
 * <p>When an origin is lost (killed, cut off, frozen) its relayed streams stay published here for
 * {@code failover.grace.ms}: players stay connected and wait. Every {@value #RETRY_MILLIS} ms the edge looks each one
 * up in the registry again and resumes it from whichever origin has it live (the publisher reconnected through the
 * balancer, say); after the grace period it ends the stream.
 *
 * <p>A pull nobody watches (no viewer of any protocol, as the {@link ViewerCount} services count them) for
 * {@code pull.idle.ms} is released: the stream ends on this edge and the origin stops sending it. The next viewer
 * pulls it again.
 */
@Component(configurationPid = RelaySettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {StreamSource.class, StreamAccessPolicy.class, StreamLifecycleListener.class, HealthIndicator.class})
public final class EdgeRelay implements StreamSource, StreamAccessPolicy, StreamLifecycleListener, HealthIndicator {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRelay.class);
    /** How often the list of origins that publishers are sent to is read again. */
    private static final long ORIGINS_REFRESH_SECONDS = 5;
    private static final int TRACKS_WAIT_MILLIS = 2000;
    /** How often an interrupted stream is looked for again. */
    static final long RETRY_MILLIS = 500;

    private final StreamHub hub;
    private final NodeIdentity node;
    private final ClusterView cluster;
    /** The node's event loops: shared, never shut down here. */
    private final EventLoops loops;
    private final ScheduledExecutorService lookups = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "aqueduct-edge-lookup"));
    /** Connections to origins, by relay address {@code host:port}. */
    private final Map<String, CompletableFuture<RelayClient>> origins = new ConcurrentHashMap<>();
    private final Map<StreamKey, Pull> pulls = new ConcurrentHashMap<>();
    private final List<ViewerCount> viewerCounts = new CopyOnWriteArrayList<>();
    private volatile RelaySettings settings = RelaySettings.DEFAULTS;
    private volatile String publishTo = "an origin";

    /** One stream being pulled (or about to be). */
    private static final class Pull {
        final StreamKey key;
        final CompletableFuture<String> ready = new CompletableFuture<>();
        volatile RelayedStream stream;
        volatile String origin = "";
        /** Lookup thread only: why the stream is interrupted, null while it is not (or a resume is under way). */
        String interruption;
        /** Lookup thread only: since when nobody watches (0 while somebody does). */
        long idleSinceNanos;
        /** Viewers at the last count. */
        volatile int viewers;

        Pull(StreamKey key) {
            this.key = key;
        }
    }

    @Activate
    public EdgeRelay(@Reference StreamHub hub, @Reference(target = "(aqueduct.role=edge)") NodeIdentity node,
            @Reference ClusterView cluster, @Reference EventLoops loops) {
        this.hub = hub;
        this.loops = loops;
        this.node = node;
        this.cluster = cluster;
    }

    @Activate
    void activate(Map<String, Object> properties) {
        modified(properties);
        lookups.scheduleWithFixedDelay(this::refreshOrigins, 0, ORIGINS_REFRESH_SECONDS, TimeUnit.SECONDS);
        lookups.scheduleWithFixedDelay(this::releaseIdle, 1, 1, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addViewerCount(ViewerCount count) {
        viewerCounts.add(count);
    }

    void removeViewerCount(ViewerCount count) {
        viewerCounts.remove(count);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        try {
            settings = RelaySettings.parse(properties);
        } catch (InvalidSettingException e) {
            LOG.error("Relay configuration rejected {}; keeping port {}", e.getMessage(), settings.port());
        }
    }

    @Deactivate
    void deactivate() {
        lookups.shutdownNow();
        pulls.values().forEach(p -> {
            RelayedStream s = p.stream;
            if (s != null) {
                s.close();
            }
            p.ready.complete("this edge is stopping");
        });
        pulls.clear();
        // a connection still being made closes once made; the shared event loops stay
        origins.values().forEach(f -> f.thenAccept(RelayClient::close));
        origins.clear();
    }

    private void submit(Runnable task) {
        try {
            lookups.execute(task);
        } catch (RejectedExecutionException e) {
            // deactivating
        }
    }

    // ---- StreamSource ----

    @Override
    public CompletionStage<String> request(StreamKey key) {
        if (hub.stream(key).isPresent()) {
            return CompletableFuture.completedFuture(null);
        }
        Pull pull = pulls.computeIfAbsent(key, k -> {
            Pull p = new Pull(k);
            submit(() -> resolve(p));
            return p;
        });
        return pull.ready;
    }

    /** On the lookup thread: where the stream lives, then the pull. */
    private void resolve(Pull p) {
        connectToOrigin(p.key, "no origin has " + p.key + " live (this is an edge: it plays what an origin ingests)",
                reason -> fail(p, reason), (c, where) -> {
                    if (pulls.get(p.key) != p) {
                        return; // given up meanwhile
                    }
                    p.origin = where;
                    LOG.info("Pulling {} from origin {}", p.key, where);
                    p.stream = RelayedStream.open(c, hub, p.key, reason -> ended(p, reason),
                            reason -> submit(() -> interrupted(p, reason)), System::nanoTime);
                });
    }

    /**
     * On the lookup thread: looks the stream's origin up and connects to it (or takes the connection there is). Then
     * exactly one of {@code connected} (with the client and the origin's description, on an event loop) or
     * {@code failed} (with the reason) is called.
     */
    private void connectToOrigin(StreamKey key, String notLive, Consumer<String> failed,
            BiConsumer<RelayClient, String> connected) {
        ClusterStream origin;
        int port;
        try {
            Optional<ClusterStream> found = cluster.lookup(key);
            if (found.isEmpty()) {
                failed.accept(notLive);
                return;
            }
            origin = found.get();
            port = cluster.nodes().stream().filter(n -> n.id().equals(origin.originNode())).findFirst()
                    .map(n -> n.ports().get("relay")).orElse(settings.port());
        } catch (RegistryUnavailableException e) {
            failed.accept("the registry cannot be asked where it lives: " + e.getMessage());
            return;
        }
        String where = origin.originNode() + " (" + origin.originAddress() + ":" + port + ")";
        CompletableFuture<RelayClient> client;
        try {
            client = client(origin.originAddress(), port);
        } catch (RuntimeException e) {
            failed.accept("cannot pull it from origin " + where + ": " + e.getMessage());
            return;
        }
        client.whenComplete((c, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                failed.accept("cannot pull it from origin " + where + ": " + cause.getMessage());
            } else {
                connected.accept(c, where);
            }
        });
    }

    /** On the lookup thread: the stream lost its origin, or a try to resume it failed; try again or give up. */
    private void interrupted(Pull p, String reason) {
        RelayedStream s = p.stream;
        if (pulls.get(p.key) != p || s == null || !s.isInterrupted()) {
            return;
        }
        if (p.interruption == null) {
            LOG.warn("Relayed stream {} lost origin {} ({}); its viewers wait up to {} ms while it is looked for",
                    p.key, p.origin, LogSafe.text(reason), settings.failoverGraceMillis());
        }
        p.interruption = reason;
        long waited = s.interruptedMillis();
        if (waited >= settings.failoverGraceMillis()) {
            LOG.warn("Giving up {} after {} ms without an origin: {}", p.key, waited, LogSafe.text(reason));
            pulls.remove(p.key, p);
            s.close();
            p.ready.complete(reason);
            return;
        }
        try {
            lookups.schedule(() -> resume(p), RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // deactivating
        }
    }

    /** On the lookup thread: where the interrupted stream lives now; resumes it from there. */
    private void resume(Pull p) {
        RelayedStream s = p.stream;
        if (pulls.get(p.key) != p || s == null || !s.isInterrupted()) {
            return;
        }
        connectToOrigin(p.key, "no origin has it live", reason -> submit(() -> interrupted(p, reason)),
                (c, where) -> submit(() -> {
                    LOG.info("Resuming {} from origin {}, {} ms after its origin was lost", p.key, where,
                            s.interruptedMillis());
                    p.origin = where;
                    p.interruption = null;
                    s.resume(c); // a failure comes back through interrupted()
                }));
    }

    /** The connection to the origin at {@code host:port}: the one there is, or a new one. */
    private CompletableFuture<RelayClient> client(String host, int port) {
        String where = host + ":" + port;
        return origins.compute(where, (k, existing) -> {
            if (existing != null && (!existing.isDone() || !existing.isCompletedExceptionally()
                    && existing.join().isOpen())) {
                return existing;
            }
            String token = RelayToken.issue(cluster.secret(), node.nodeId(), Instant.now());
            CompletableFuture<RelayClient> connecting = RelayClient.connect(loops, host, port, node.nodeId(), token,
                    (c, reason) -> {
                        LOG.warn("Relay connection to origin {} lost: {}", where, LogSafe.text(reason));
                        origins.computeIfPresent(where, (w, f) -> f.isDone() && !f.isCompletedExceptionally()
                                && f.join() == c ? null : f);
                    });
            connecting.whenComplete((c, error) -> {
                if (error != null) {
                    origins.remove(where, connecting); // the next request tries again
                }
            });
            return connecting;
        });
    }

    private void fail(Pull p, String reason) {
        pulls.remove(p.key, p);
        if (p.ready.complete(reason)) {
            LOG.info("Cannot bring {} to this edge: {}", p.key, LogSafe.text(reason));
        }
    }

    /** The relayed stream ended (on the origin, or the origin was lost); a later request pulls it again. */
    private void ended(Pull p, String reason) {
        pulls.remove(p.key, p);
        p.ready.complete(reason);
    }

    @Override
    public void streamStarted(StreamKey key) {
        Pull p = pulls.get(key);
        if (p != null) {
            // an edge's streams come from pulls only: this is the one asked for
            submit(() -> awaitTracks(p, 0));
        }
    }

    /**
     * Answers the request once the hub knows the stream's tracks (from the first relayed packets, the origin's
     * GOP cache, a few milliseconds after the start): a player set up before that (RTMP onMetaData) would not know
     * what it plays. After {@value #TRACKS_WAIT_MILLIS} ms it is answered anyway.
     */
    private void awaitTracks(Pull p, int waitedMillis) {
        int known = hub.stream(p.key).map(info -> info.tracks().size()).orElse(0);
        RelayedStream s = p.stream;
        int expected = Math.max(1, s == null ? 1 : s.announcedTracks());
        if (known >= expected || waitedMillis >= TRACKS_WAIT_MILLIS || pulls.get(p.key) != p) {
            p.ready.complete(null);
            return;
        }
        try {
            lookups.schedule(() -> awaitTracks(p, waitedMillis + 10), 10, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            p.ready.complete("this edge is stopping");
        }
    }

    /** On the lookup thread, every second: counts each pull's viewers and releases those idle for too long. */
    private void releaseIdle() {
        Map<StreamKey, Integer> viewers = ViewerCount.total(viewerCounts);
        long now = System.nanoTime();
        for (Pull p : pulls.values()) {
            RelayedStream s = p.stream;
            if (s == null || !s.isLive() || s.isInterrupted()) {
                p.idleSinceNanos = 0; // not pulled yet, or waiting for its origin: that has its own limit
                continue;
            }
            int n = viewers.getOrDefault(p.key, 0);
            p.viewers = n;
            if (n > 0) {
                p.idleSinceNanos = 0;
            } else if (p.idleSinceNanos == 0) {
                p.idleSinceNanos = now;
            } else if (now - p.idleSinceNanos >= TimeUnit.MILLISECONDS.toNanos(settings.pullIdleMillis())) {
                LOG.info("Releasing {} (from origin {}): no viewers for {} ms", p.key, p.origin,
                        TimeUnit.NANOSECONDS.toMillis(now - p.idleSinceNanos));
                pulls.remove(p.key, p);
                s.close();
            }
        }
    }

    // ---- StreamAccessPolicy ----

    @Override
    public String checkPublish(AccessRequest request) {
        return "this node is an edge: it serves viewers and takes no publishers; publish to " + publishTo;
    }

    @Override
    public String checkPlay(AccessRequest request) {
        return null;
    }

    /** On the lookup thread: the origins a refused publisher is told about (the refusal is decided from memory). */
    private void refreshOrigins() {
        try {
            List<String> alive = cluster.nodes().stream().filter(n -> n.alive() && "origin".equals(n.role()))
                    .map(EdgeRelay::rtmpAddress).sorted().toList();
            publishTo = alive.isEmpty() ? "an origin (none is alive in the registry now)"
                    : "an origin: " + String.join(", ", alive) + " (or the balancer's RTMP port)";
        } catch (RegistryUnavailableException e) {
            publishTo = "an origin (the registry cannot be asked which: " + e.getMessage() + ")";
        }
    }

    private static String rtmpAddress(ClusterNode n) {
        Integer port = n.ports().get("rtmp");
        return "rtmp://" + n.address() + (port == null ? "" : ":" + port) + "/<app>/<stream>";
    }

    // ---- health ----

    @Override
    public String name() {
        return "edge-relay";
    }

    @Override
    public HealthCheck check() {
        List<String> live = pulls.values().stream().filter(p -> p.stream != null && p.stream.isLive())
                .map(p -> p.key + (p.stream.isInterrupted() ? " (origin " + p.origin + " lost; looking for it)"
                        : " from " + p.origin + ", " + p.viewers + " viewer(s)")).sorted().toList();
        long connected = origins.values().stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()
                && f.join().isOpen()).count();
        return new HealthCheck(HealthCheck.Status.UP, "pulling " + live.size() + " stream(s) over " + connected
                + " origin connection(s)" + (live.isEmpty() ? "" : ": " + live.stream().collect(Collectors.joining(
                        ", "))));
    }
}
