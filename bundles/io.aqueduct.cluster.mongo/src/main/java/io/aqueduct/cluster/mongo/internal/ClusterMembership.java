package io.aqueduct.cluster.mongo.internal;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.access.PublishAdmission;
import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.api.stream.HubStatistics;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.api.stream.ViewerCount;
import io.aqueduct.cluster.mongo.MongoTarget;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of the cluster: it heartbeats into the registry, registers itself as the origin of the
 * streams it ingests (and refuses a publish of a stream live on another origin), and answers {@link ClusterView}
 * reads for the REST API and the monitor page.
 *
 * <p>Configuration: PID {@value RegistrySettings#PID} (heartbeat, dead-after, timeout, database); the registry's
 * address is the node's ({@link NodeIdentity#registry()}, {@code mongo.uri} of PID {@code io.aqueduct.node}), read
 * again whenever the node's configuration changes. The bundle runs only in the cluster roles, and the component only
 * in cluster mode.
 *
 * <p><b>All registry writes run on one thread</b> ({@code aqueduct-registry}), in order: heartbeats, claims for
 * publishes, releases. A tick heartbeats and then brings the registry in line with the hub: every live stream
 * claimed, every claim of a stream that is no longer live released. So a publish made while the registry was away,
 * a release that failed, or a registry that lost its data all come right at the next good tick.
 *
 * <p><b>The registry going away never stops the node.</b> A failed tick marks the registry unreachable (logged
 * once, shown in {@code /health}), and the next try waits twice as long, up to {@value #MAX_BACKOFF_MS} ms.
 * Meanwhile publishes are admitted without a claim (the stream goes on; it is claimed when the registry returns)
 * and reads fail at once with the reason. A claim refused on return (another origin took the stream while this node
 * looked dead) leaves the local stream playing and is reported as a conflict.
 */
@Designate(ocd = ClusterMembership.Config.class)
@Component(configurationPid = RegistrySettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        service = {ClusterView.class, PublishAdmission.class, StreamLifecycleListener.class, HealthIndicator.class})
public final class ClusterMembership implements ClusterView, PublishAdmission, StreamLifecycleListener,
        HealthIndicator {
    static final long MAX_BACKOFF_MS = 10_000;
    /** How often the registry's list of this node's claims is read back (see reconcile). */
    static final long REGISTRY_CHECK_MILLIS = 10_000;
    /** The configuration of the embedded registry this node hosts with {@code mongo.uri = embedded}. */
    static final String EMBEDDED_PID = "io.aqueduct.registry.embedded";
    /** The origin's relay listener (bundle io.aqueduct.edge) and its default port. */
    static final String RELAY_PID = "io.aqueduct.relay";
    static final int DEFAULT_RELAY_PORT = 5000;
    /** A claim granted to a publish that has not reached the hub yet is kept this long. */
    private static final long ADMISSION_GRACE_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long STILL_DOWN_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    @ObjectClassDefinition(name = "Aqueduct cluster registry",
            description = "Heartbeats and stream origins in the MongoDB registry. Where the registry is: "
                    + "mongo.uri of 'Aqueduct node' (io.aqueduct.node).")
    public @interface Config {
        @AttributeDefinition(name = "Heartbeat period (ms)", description = "How often this node reports to the "
                + "registry")
        long heartbeat_period_ms() default RegistrySettings.DEFAULT_HEARTBEAT_MS;

        @AttributeDefinition(name = "Dead after (ms)", description = "A node whose heartbeat is older than this "
                + "is dead: its streams may be taken over. At least twice the heartbeat period.")
        long dead_after_ms() default RegistrySettings.DEFAULT_DEAD_AFTER_MS;

        @AttributeDefinition(name = "Timeout (ms)", description = "How long a registry call waits for MongoDB")
        long timeout_ms() default RegistrySettings.DEFAULT_TIMEOUT_MS;

        @AttributeDefinition(name = "Database", description = "Empty: the database of the URI, else 'aqueduct'")
        String database() default "";
    }

    private volatile NodeIdentity node;
    private final StreamHub hub;
    private final ConfigurationAdmin configAdmin;
    private final String version;
    private final NodeLoad load = new NodeLoad();
    private final ScheduledThreadPoolExecutor worker = new ScheduledThreadPoolExecutor(1,
            r -> new Thread(r, "aqueduct-registry"));
    private final int httpPort;

    // Written on the worker thread; read by health, REST and publishing threads.
    private volatile Connection connection;
    private volatile String configProblem;
    private volatile String unreachable;
    private volatile Instant unreachableSince;
    private volatile String tickProblem;
    private volatile int failures;
    private volatile long retryDelayMs;
    private volatile Instant lastHeartbeat;
    private volatile long lastHeartbeatNanos;
    private volatile RegistrySettings settings = RegistrySettings.DEFAULTS;
    /** The cluster's shared secret, read when the connection is made; null before. */
    private volatile byte[] secret;
    /** The streams the registry named this node the origin of, after the latest reconciliation. */
    private volatile Set<String> registeredHere = Set.of();
    /** Claims granted to publishes, by key, with when: not released before the stream reaches the hub. */
    private final Map<String, Long> admitted = new ConcurrentHashMap<>();
    /** Streams live here that the registry gives to another node (or could not register), with the reason. */
    private final Map<String, String> conflicts = new ConcurrentHashMap<>();
    private final List<ViewerCount> viewerCounts = new CopyOnWriteArrayList<>();

    // Worker thread only.
    private Map<String, ?> properties = Map.of();
    private long ticksToRegistryCheck;
    private NodeRole checkedRole;
    private boolean indexed;
    private long lastFailureNanos;
    private long lastDownLogNanos;
    private ScheduledFuture<?> nextTick;
    private ScheduledFuture<?> embeddedRetry;

    /** The open client, its registry (which knows this node's id) and what it was opened for. */
    private record Connection(MongoTarget target, MongoClient client, ClusterRegistry registry,
            RegistrySettings settings) {
    }

    @Activate
    public ClusterMembership(@Reference StreamHub hub, @Reference ConfigurationAdmin configAdmin,
            BundleContext context) {
        this(null, hub, configAdmin, context.getBundle().getVersion().toString(),
                port(context.getProperty("org.osgi.service.http.port")));
    }

    /**
     * @param node this node; null when SCR binds it ({@link #bindNode})
     * @param configAdmin where the RTMP and embedded registry ports are read; null for the defaults
     * @param httpPort this node's HTTP port as the launcher set it, or -1
     */
    ClusterMembership(NodeIdentity node, StreamHub hub, ConfigurationAdmin configAdmin, String version,
            int httpPort) {
        this.node = node;
        this.hub = hub;
        this.configAdmin = configAdmin;
        this.version = version;
        this.httpPort = httpPort;
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private static int port(String value) {
        try {
            return value == null ? -1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** This node, in cluster mode only: in standalone mode the component does not run. */
    /** The playback protocols' viewer counts: the node reports its viewers (players), not internal subscriptions. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addViewerCount(ViewerCount count) {
        viewerCounts.add(count);
    }

    void removeViewerCount(ViewerCount count) {
        viewerCounts.remove(count);
    }

    @Reference(name = "node", target = "(" + NodeIdentity.MODE_PROPERTY + "=cluster)", updated = "updatedNode")
    void bindNode(NodeIdentity identity) {
        node = identity;
    }

    /** The node's configuration changed: the registry's address or the node's id may be others. */
    void updatedNode(NodeIdentity identity) {
        submit(this::configure);
    }

    @Activate
    void activate(Map<String, Object> properties) {
        submit(() -> {
            this.properties = properties;
            configure();
        });
    }

    @Modified
    void modified(Map<String, Object> properties) {
        activate(properties);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        try {
            worker.execute(safely(() -> {
                leave(connection);
                close();
            }));
        } catch (RejectedExecutionException e) {
            return; // already stopped
        }
        worker.shutdown();
        RegistrySettings s = settings;
        long wait = readTimeoutMillis(s) + 2 * s.timeout().toMillis() + 1000;
        if (!worker.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
            // the worker is stuck in a registry call: closing the client ends the call and its threads
            worker.shutdownNow();
            Connection c = connection;
            connection = null;
            if (c != null) {
                c.client().close();
            }
            LOG.warn("Left the cluster without removing node {} from the registry: the registry did not answer "
                    + "within {} ms; the node will show as dead", node.nodeId(), wait);
        }
    }

    private void submit(Runnable task) {
        try {
            worker.execute(safely(task));
        } catch (RejectedExecutionException e) {
            // deactivating
        }
    }

    /** A worker task that logs what it throws instead of losing it in the executor. */
    private static Runnable safely(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Registry task failed", e);
            }
        };
    }

    // ---- the worker thread ----

    private void configure() {
        if (embeddedRetry != null) {
            embeddedRetry.cancel(false);
            embeddedRetry = null;
        }
        RegistrySettings wanted;
        try {
            wanted = RegistrySettings.parse(properties);
            configProblem = null;
        } catch (InvalidSettingException e) {
            configProblem = "rejected " + e.getMessage() + "; keeping " + settings.describe();
            LOG.error("Registry configuration {}", configProblem);
            wanted = settings;
        }
        String uri = node.registry().trim();
        int embeddedPort = configuredPort(EMBEDDED_PID, -1);
        if (uri.equalsIgnoreCase("embedded") && embeddedPort < 0) {
            // FileInstall may hand over the node's file before the registry's: look again shortly
            leave(connection);
            close();
            String waiting = "mongo.uri is 'embedded' but this node hosts no embedded registry yet (no "
                    + "configuration " + EMBEDDED_PID + "); bin/aqueduct mode cluster embedded writes it";
            if (!waiting.equals(configProblem)) {
                LOG.info("Waiting for the embedded registry's configuration ({})", EMBEDDED_PID);
            }
            configProblem = waiting;
            embeddedRetry = worker.schedule(safely(this::configure), 1, TimeUnit.SECONDS);
            return;
        }
        MongoTarget target;
        try {
            target = MongoTarget.parse(uri, configuredText(EMBEDDED_PID, "host", "127.0.0.1"),
                    embeddedPort < 0 ? MongoTarget.DEFAULT_EMBEDDED_PORT : embeddedPort);
        } catch (IllegalArgumentException e) {
            leave(connection);
            close();
            configProblem = "mongo.uri of io.aqueduct.node: " + e.getMessage()
                    + "; set it with bin/aqueduct mode cluster <mongo>";
            LOG.error("Not joining the cluster: {}", configProblem);
            return;
        }
        Connection c = connection;
        if (c != null && c.target().equals(target) && c.settings().equals(wanted)
                && c.registry().nodeId().equals(node.nodeId())) {
            return;
        }
        if (c != null && (!c.target().equals(target) || !c.registry().nodeId().equals(node.nodeId()))) {
            leave(c); // another registry, or another id: the old entry goes
        }
        settings = wanted;
        close();
        MongoClient client = MongoClients.create(clientSettings(target, wanted));
        ClusterRegistry registry = new ClusterRegistry(client.getDatabase(wanted.databaseFor(target)), node.nodeId());
        connection = new Connection(target, client, registry, wanted);
        indexed = false;
        ticksToRegistryCheck = 0;
        failures = 0;
        LOG.info("Joining the cluster: registry {} (database {}), {}", target, wanted.databaseFor(target),
                wanted.describe());
        schedule(0);
    }

    private static MongoClientSettings clientSettings(MongoTarget target, RegistrySettings settings) {
        ConnectionString cs = target.connectionString();
        int timeout = (int) settings.timeout().toMillis();
        return MongoClientSettings.builder()
                .applyConnectionString(cs)
                .applicationName("aqueduct")
                .applyToClusterSettings(b -> {
                    if (cs.getServerSelectionTimeout() == null) {
                        b.serverSelectionTimeout(timeout, TimeUnit.MILLISECONDS);
                    }
                })
                .applyToSocketSettings(b -> {
                    if (cs.getConnectTimeout() == null) {
                        b.connectTimeout(timeout, TimeUnit.MILLISECONDS);
                    }
                    if (cs.getSocketTimeout() == null) {
                        // a registry that hangs (not refuses) must not hold the worker forever
                        b.readTimeout((int) readTimeoutMillis(settings), TimeUnit.MILLISECONDS);
                    }
                })
                .build();
    }

    private static long readTimeoutMillis(RegistrySettings settings) {
        return Math.max(settings.timeout().toMillis() * 2, 5000);
    }

    private void schedule(long delayMillis) {
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        try {
            nextTick = worker.schedule(safely(this::tick), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // deactivating
        }
    }

    private void tick() {
        Connection c = connection;
        if (c == null) {
            return;
        }
        long delay = c.settings().heartbeatPeriod().toMillis();
        try {
            if (!indexed) {
                c.registry().ensureIndexes();
                secret = c.registry().secret();
                indexed = true;
            }
            heartbeatNow(c);
            reconcile(c);
            tickProblem = null;
        } catch (MongoException e) {
            failed(c, e);
            delay = backoff(c);
        } catch (RuntimeException e) {
            // not the network: a damaged registry document or a bug; the registry is reachable, so publishes
            // are still checked, but the tick is retried with backoff and reported
            failures++;
            String problem = "registry update failed: " + e;
            if (!problem.equals(tickProblem)) {
                LOG.error("Registry update failed; retrying", e);
            }
            tickProblem = problem;
            delay = backoff(c);
        } finally {
            retryDelayMs = delay;
            if (connection == c) {
                schedule(delay);
            }
        }
    }

    /** The wait after {@link #failures} failures: doubling from the heartbeat period, at most 10 s. */
    private long backoff(Connection c) {
        long period = c.settings().heartbeatPeriod().toMillis();
        return Math.max(period, Math.min(MAX_BACKOFF_MS, period << Math.min(failures, 6)));
    }

    private void heartbeatNow(Connection c) {
        lastHeartbeat = c.registry().heartbeat(record());
        lastHeartbeatNanos = System.nanoTime();
        reachable(c);
    }

    private NodeRecord record() {
        HubStatistics stats = hub.statistics();
        Map<String, Integer> ports = new LinkedHashMap<>();
        putPort(ports, "http", httpPort);
        putPort(ports, "rtmp", configuredPort("io.aqueduct.rtmp", 1935));
        if (node.role() == NodeRole.ORIGIN) {
            putPort(ports, "relay", configuredPort(RELAY_PID, DEFAULT_RELAY_PORT)); // where edges pull from
        }
        return new NodeRecord(node.nodeId(), node.address(), ports, node.role().configName(), node.group(),
                version, node.started(), load.cpu(), load.memoryUsed(), load.memoryMax(), stats.liveStreams(),
                ViewerCount.total(viewerCounts).values().stream().mapToInt(Integer::intValue).sum());
    }

    private static void putPort(Map<String, Integer> ports, String name, int port) {
        if (port > 0) {
            ports.put(name, port);
        }
    }

    /** The {@code port} of another component's configuration, or {@code defaultPort}. */
    private int configuredPort(String pid, int defaultPort) {
        try {
            return Integer.parseInt(configuredText(pid, "port", Integer.toString(defaultPort)).trim());
        } catch (NumberFormatException e) {
            return defaultPort;
        }
    }

    /** A value of another component's configuration, or {@code defaultValue} when it has none. */
    private String configuredText(String pid, String key, String defaultValue) {
        if (configAdmin == null) {
            return defaultValue;
        }
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found != null && found.length > 0) {
                Dictionary<String, Object> p = found[0].getProperties();
                Object value = p == null ? null : p.get(key);
                if (value != null) {
                    return value.toString();
                }
            }
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            LOG.debug("No {} in {}: {}", key, pid, e.toString());
        }
        return defaultValue;
    }

    private void reachable(Connection c) {
        if (unreachable != null) {
            LOG.info("Registry {} reachable again after {} s; this node's streams are registered again",
                    c.target(), Duration.between(unreachableSince, Instant.now()).toSeconds());
        } else if (failures == 0 && !indexed) {
            LOG.info("Registered in {} as {} ({})", c.target(), node.nodeId(), node.role().configName());
        }
        unreachable = null;
        unreachableSince = null;
        failures = 0;
    }

    private void failed(Connection c, RuntimeException e) {
        failures++;
        ticksToRegistryCheck = 0; // the registry may have lost or changed data meanwhile: read it back first
        String reason = RegistryErrors.describe(e, c.target());
        long now = System.nanoTime();
        lastFailureNanos = now;
        if (unreachable == null) {
            unreachableSince = Instant.now();
            LOG.error("Registry unreachable: {}. This node keeps serving its streams and retries.", reason);
            lastDownLogNanos = now;
        } else if (now - lastDownLogNanos > STILL_DOWN_LOG_NANOS) {
            LOG.warn("Registry still unreachable ({} attempts): {}", failures, reason);
            lastDownLogNanos = now;
        }
        unreachable = reason;
    }

    /**
     * Brings the registry in line with the hub, the registry being the truth about claims: every stream live here
     * (on an origin) that the registry does not give to this node is claimed, and every stream the registry gives
     * to this node that is not live here (nor admitted a moment ago) is released. So a release that failed, a
     * registry that lost its data, claims left from before a restart or a role change, and a takeover while this
     * node looked dead are all found within a heartbeat.
     */
    private void reconcile(Connection c) {
        Set<String> live = node.role() == NodeRole.ORIGIN
                ? hub.streams().stream().map(s -> s.key().toString()).collect(Collectors.toSet())
                : Set.of(); // edges and balancers are origin of nothing
        // Listing this node's claims is a query by originNode: indexed on MongoDB, a scan of every stream on the
        // embedded registry (bench/RESULTS.md). So it runs every REGISTRY_CHECK_MILLIS, after a reconnect and on
        // a role change; between, this node's own record of its claims stands in.
        Set<String> registered;
        if (--ticksToRegistryCheck <= 0 || node.role() != checkedRole) {
            registered = c.registry().originsHere();
            ticksToRegistryCheck = Math.max(1, REGISTRY_CHECK_MILLIS / c.settings().heartbeatPeriod().toMillis());
            checkedRole = node.role();
        } else {
            registered = new HashSet<>(registeredHere);
        }
        long now = System.nanoTime();
        admitted.values().removeIf(at -> now - at > ADMISSION_GRACE_NANOS);
        for (String key : live) {
            if (!registered.contains(key) && claim(c, key)) {
                registered.add(key);
            }
        }
        for (String key : Set.copyOf(registered)) {
            if (!live.contains(key) && !admitted.containsKey(key)) {
                if (c.registry().releaseOrigin(key)) {
                    LOG.info("Registry: stream {} released", key);
                }
                registered.remove(key);
            }
        }
        conflicts.keySet().retainAll(live);
        registeredHere = Set.copyOf(registered);
    }

    /** Claims a live stream; false (and a conflict reported) when the registry gives it to another node. */
    private boolean claim(Connection c, String key) {
        OriginClaim claim;
        try {
            claim = c.registry().claimOrigin(key, node.address(), c.settings().deadAfter());
        } catch (MongoException e) {
            throw e;
        } catch (RuntimeException e) {
            String why = "stream " + key + " could not be registered: " + e;
            if (conflicts.put(key, why) == null) {
                LOG.error("Registry: {}", why);
            }
            return false;
        }
        if (claim.granted()) {
            LOG.info("Registry: {}", claim.describe());
            conflicts.remove(key);
            return true;
        }
        String why = claim.describe() + "; it is live here too (published while this node was cut off from the "
                + "registry, or looked dead to it): stop one of the two publishers";
        if (conflicts.put(key, why) == null) {
            LOG.error("Registry conflict: {}", why);
        }
        return false;
    }

    /** Takes this node out of a registry it is leaving, if that registry answers; a failure is only logged. */
    private void leave(Connection c) {
        if (c == null || unreachable != null || lastHeartbeat == null) {
            return;
        }
        try {
            long released = c.registry().leave();
            LOG.info("Left the cluster: node {} removed from the registry, {} stream(s) released",
                    c.registry().nodeId(), released);
        } catch (RuntimeException e) {
            LOG.warn("Leaving the cluster: could not remove node {} from the registry ({}); it will show as dead",
                    c.registry().nodeId(), RegistryErrors.describe(e, c.target()));
        }
    }

    private void close() {
        Connection c = connection;
        connection = null;
        admitted.clear();
        conflicts.clear();
        registeredHere = Set.of();
        secret = null; // another registry may be another cluster
        lastHeartbeat = null;
        unreachable = null;
        unreachableSince = null;
        tickProblem = null;
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        if (c != null) {
            c.client().close();
        }
    }

    // ---- publishing threads ----

    @Override
    public CompletionStage<String> admitPublish(AccessRequest request) {
        if (node.role() != NodeRole.ORIGIN) {
            return CompletableFuture.completedFuture(null);
        }
        String key = request.key().toString();
        CompletableFuture<String> answer = new CompletableFuture<>();
        try {
            worker.execute(() -> {
                try {
                    answer.complete(admit(key));
                } catch (RuntimeException e) {
                    LOG.error("Publish check of {} failed", key, e);
                    answer.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            answer.complete(null); // leaving the cluster: the node is standalone again
        }
        return answer;
    }

    /**
     * On the worker: null to admit, else who holds the stream. While the registry is away a publish is admitted
     * without a claim (fail open: it is claimed when the registry answers); one try is made per timeout period,
     * so a registry that is back is used at once and a dead one does not hold every publisher for the timeout.
     */
    private String admit(String key) {
        Connection c = connection;
        if (c == null) {
            return null; // no usable registry configuration: reported in /health
        }
        if (unreachable != null && System.nanoTime() - lastFailureNanos < c.settings().timeout().toNanos()) {
            LOG.warn("Publish of {} admitted without a registry check ({}); it is registered when the registry "
                    + "answers", key, unreachable);
            return null;
        }
        try {
            if (lastHeartbeat == null) {
                heartbeatNow(c); // the registry learns the server's time from a heartbeat
            }
            OriginClaim claim = c.registry().claimOrigin(key, node.address(), c.settings().deadAfter());
            reachable(c);
            if (!claim.granted()) {
                LOG.info("Publish refused: {}", claim.describe());
                return claim.describe();
            }
            admitted.put(key, System.nanoTime());
            conflicts.remove(key);
            if (claim.outcome() != OriginClaim.Outcome.ALREADY_ORIGIN) {
                LOG.info("Registry: {}", claim.describe());
            }
            return null;
        } catch (MongoException e) {
            failed(c, e);
            LOG.warn("Publish of {} admitted without a registry check ({}); it is registered when the registry "
                    + "answers", key, unreachable);
            return null;
        }
    }

    @Override
    public void streamStarted(StreamKey key) {
        String k = key.toString();
        submit(() -> {
            admitted.remove(k); // the admitted publish reached the hub
            reconcileNow();
        });
    }

    @Override
    public void streamEnded(StreamKey key) {
        // The admission is kept: a reconnecting encoder's new publish may have been admitted before this end of
        // its previous publication arrived.
        submit(this::reconcileNow);
    }

    /** A stream came or went: bring the registry in line now rather than at the next heartbeat. */
    private void reconcileNow() {
        Connection c = connection;
        if (c == null || unreachable != null || lastHeartbeat == null) {
            return;
        }
        try {
            reconcile(c);
        } catch (MongoException e) {
            failed(c, e);
        }
    }

    // ---- reads (REST threads) ----

    private Connection readable() {
        Connection c = connection;
        if (c == null) {
            String problem = configProblem;
            throw new RegistryUnavailableException(problem != null ? problem : "not connected to a registry");
        }
        String down = unreachable;
        if (down != null) {
            throw new RegistryUnavailableException(down + " (since " + unreachableSince + ")");
        }
        if (lastHeartbeat == null) {
            throw new RegistryUnavailableException("connecting to the registry at " + c.target()
                    + "; no heartbeat yet");
        }
        return c;
    }

    private <T> T read(Function<ClusterRegistry, T> call) {
        Connection c = readable();
        try {
            return call.apply(c.registry());
        } catch (MongoException e) {
            throw new RegistryUnavailableException(RegistryErrors.describe(e, c.target()), e);
        }
    }

    @Override
    public String nodeId() {
        return node.nodeId();
    }

    @Override
    public String registry() {
        Connection c = connection;
        return c == null ? "" : c.target().toString();
    }

    @Override
    public Duration heartbeatPeriod() {
        return settings.heartbeatPeriod();
    }

    @Override
    public Duration deadAfter() {
        return settings.deadAfter();
    }

    @Override
    public List<ClusterNode> nodes() {
        Duration deadAfter = settings.deadAfter();
        return read(r -> r.nodes(deadAfter)).stream().map(NodeStatus::toClusterNode).toList();
    }

    @Override
    public List<ClusterStream> streams() {
        Duration deadAfter = settings.deadAfter();
        return read(r -> r.streams(deadAfter)).stream().map(ClusterMembership::toApi).toList();
    }

    @Override
    public Optional<ClusterStream> lookup(StreamKey key) {
        Duration deadAfter = settings.deadAfter();
        return read(r -> r.lookup(key.toString(), deadAfter)).map(ClusterMembership::toApi);
    }

    @Override
    public byte[] secret() {
        byte[] s = secret;
        if (s == null) {
            readable(); // says why the registry cannot be read, if it cannot
            throw new RegistryUnavailableException("the cluster secret has not been read from the registry yet");
        }
        return s.clone();
    }

    @Override
    public boolean deleteNode(String nodeId) {
        if (nodeId.equals(node.nodeId())) {
            throw new IllegalStateException("node " + nodeId + " is this node; it leaves the registry when it is "
                    + "switched to standalone (bin/aqueduct mode standalone) or stopped");
        }
        Duration deadAfter = settings.deadAfter();
        return read(r -> r.deleteNode(nodeId, deadAfter));
    }

    private static ClusterStream toApi(StreamOrigin o) {
        return new ClusterStream(o.key(), o.nodeId(), o.address(), o.claimed(), o.alive());
    }

    // ---- health ----

    @Override
    public String name() {
        return "cluster-registry";
    }

    @Override
    public HealthCheck check() {
        if (node.mode() != NodeMode.CLUSTER) {
            return new HealthCheck(HealthCheck.Status.UP, "not in a cluster (mode standalone)");
        }
        Connection c = connection;
        String problem = configProblem;
        if (c == null) {
            return HealthCheck.degraded(problem != null ? problem : "starting");
        }
        String down = unreachable;
        if (down != null) {
            return HealthCheck.degraded(down + "; unreachable since " + unreachableSince + ", " + failures
                    + " attempt(s); this node keeps serving its streams and tries again in " + retryDelayMs
                    + " ms");
        }
        if (lastHeartbeat == null) {
            return HealthCheck.degraded("connecting to the registry at " + c.target());
        }
        long sinceHeartbeat = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeartbeatNanos);
        StringBuilder s = new StringBuilder("registered in ").append(c.target()).append(" as ")
                .append(node.nodeId()).append(" (").append(node.role().configName()).append("), last heartbeat ")
                .append(sinceHeartbeat).append(" ms ago, ")
                .append(registeredHere.size()).append(" stream(s) registered here");
        boolean degraded = false;
        for (String p : new String[] {problem, tickProblem}) {
            if (p != null) {
                s.append("; ").append(p);
                degraded = true;
            }
        }
        if (sinceHeartbeat > c.settings().deadAfter().toMillis()) {
            s.append("; the last heartbeat is older than dead.after.ms (").append(c.settings().deadAfter().toMillis())
                    .append("): other nodes count this node dead");
            degraded = true;
        }
        if (!conflicts.isEmpty()) {
            s.append("; ").append(String.join("; ", conflicts.values()));
            degraded = true;
        }
        return degraded ? HealthCheck.degraded(s.toString()) : new HealthCheck(HealthCheck.Status.UP, s.toString());
    }

    /** For tests: runs a task on the registry thread and waits for it. */
    void awaitWorker() throws Exception {
        worker.submit(() -> { }).get(30, TimeUnit.SECONDS);
    }

    /** For tests: stops heartbeating at once without leaving the registry, as a killed process would. */
    void crash() {
        worker.shutdownNow();
        Connection c = connection;
        if (c != null) {
            c.client().close();
        }
    }

    /** For tests: the streams the registry gave to this node at the latest reconciliation. */
    Set<String> owned() {
        return registeredHere;
    }
}
