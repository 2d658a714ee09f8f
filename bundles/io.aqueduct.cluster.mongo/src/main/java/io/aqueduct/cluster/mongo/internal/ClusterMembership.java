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
import java.util.concurrent.RejectedExecutionException;
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
    /** The configuration of the embedded registry this node hosts with {@code mongo.uri = embedded}. */
    static final String EMBEDDED_PID = "io.aqueduct.registry.embedded";
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
    private final Instant started = Instant.now();
    private final NodeLoad load = new NodeLoad();
    private final ScheduledThreadPoolExecutor worker = new ScheduledThreadPoolExecutor(1,
            r -> new Thread(r, "aqueduct-registry"));
    private final int httpPort;

    // Written on the worker thread; read by health, REST and publishing threads.
    private volatile Connection connection;
    private volatile String configProblem;
    private volatile String unreachable;
    private volatile Instant unreachableSince;
    private volatile Instant lastHeartbeat;
    private volatile long lastHeartbeatNanos;
    private volatile RegistrySettings settings = RegistrySettings.DEFAULTS;
    /** Streams this node is the registered origin of. */
    private final Set<String> owned = ConcurrentHashMap.newKeySet();
    /** Claims granted to publishes, by key, with when: not released before the stream reaches the hub. */
    private final Map<String, Long> admitted = new ConcurrentHashMap<>();
    /** Streams live here whose registry origin is another node, with the reason. */
    private final Map<String, String> conflicts = new ConcurrentHashMap<>();

    // Worker thread only.
    private Map<String, ?> properties = Map.of();
    private int failures;
    private boolean resync = true;
    private long lastDownLogNanos;
    private java.util.concurrent.ScheduledFuture<?> nextTick;

    /** The open client, its registry and what it was opened for. */
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

    /** This node, in cluster mode only: in standalone mode the component does not run. */
    @Reference(name = "node", target = "(" + NodeIdentity.MODE_PROPERTY + "=cluster)", updated = "updatedNode")
    void bindNode(NodeIdentity identity) {
        node = identity;
    }

    /** The node's configuration changed: the registry's address may be another. */
    void updatedNode(NodeIdentity identity) {
        submit(this::configure);
    }

    private static int port(String value) {
        try {
            return value == null ? -1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
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

    private void submit(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            // deactivating
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        try {
            worker.execute(this::leave);
        } catch (RejectedExecutionException e) {
            return; // already stopped
        }
        worker.shutdown();
        if (!worker.awaitTermination(settings.timeout().toMillis() * 3 + 1000, TimeUnit.MILLISECONDS)) {
            worker.shutdownNow();
        }
    }

    // ---- the worker thread ----

    private void configure() {
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
        MongoTarget target;
        int embeddedPort = configuredPort(EMBEDDED_PID, -1);
        if (uri.equalsIgnoreCase("embedded") && embeddedPort < 0) {
            // FileInstall may hand over the node's file before the registry's: look again shortly
            close();
            String waiting = "mongo.uri is 'embedded' but this node hosts no embedded registry yet (no "
                    + "configuration " + EMBEDDED_PID + "); bin/aqueduct mode cluster embedded writes it";
            if (!waiting.equals(configProblem)) {
                LOG.info("Waiting for the embedded registry's configuration ({})", EMBEDDED_PID);
            }
            configProblem = waiting;
            worker.schedule(this::configure, 1, TimeUnit.SECONDS);
            return;
        }
        try {
            target = MongoTarget.parse(uri, embeddedPort < 0 ? MongoTarget.DEFAULT_EMBEDDED_PORT : embeddedPort);
        } catch (IllegalArgumentException e) {
            close();
            configProblem = "mongo.uri of io.aqueduct.node: " + e.getMessage()
                    + "; set it with bin/aqueduct mode cluster <mongo>";
            LOG.error("Not joining the cluster: {}", configProblem);
            return;
        }
        Connection c = connection;
        if (c != null && c.target().equals(target) && c.settings().equals(wanted)) {
            return;
        }
        settings = wanted;
        close();
        MongoClient client = MongoClients.create(clientSettings(target, wanted));
        ClusterRegistry registry = new ClusterRegistry(client.getDatabase(wanted.databaseFor(target)), node.nodeId());
        connection = new Connection(target, client, registry, wanted);
        failures = 0;
        resync = true;
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
                        b.readTimeout(Math.max(timeout * 2, 5000), TimeUnit.MILLISECONDS);
                    }
                })
                .build();
    }

    private void schedule(long delayMillis) {
        if (nextTick != null) {
            nextTick.cancel(false);
        }
        try {
            nextTick = worker.schedule(this::tick, delayMillis, TimeUnit.MILLISECONDS);
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
            if (resync) {
                c.registry().ensureIndexes();
            }
            Instant at = c.registry().heartbeat(record());
            lastHeartbeat = at;
            lastHeartbeatNanos = System.nanoTime();
            reachable(c);
            reconcile(c);
        } catch (MongoException | IllegalStateException e) {
            failed(c, e);
            delay = Math.min(MAX_BACKOFF_MS, delay << Math.min(failures, 6));
        } catch (RuntimeException e) {
            LOG.error("Registry tick failed", e);
            failed(c, e);
        }
        if (connection == c) {
            schedule(delay);
        }
    }

    private NodeRecord record() {
        HubStatistics stats = hub.statistics();
        Map<String, Integer> ports = new LinkedHashMap<>();
        putPort(ports, "http", httpPort);
        putPort(ports, "rtmp", configuredPort("io.aqueduct.rtmp", 1935));
        return new NodeRecord(node.nodeId(), node.address(), ports, node.role().configName(), node.group(),
                version, node.started(), load.cpu(), load.memoryUsed(), load.memoryMax(), stats.liveStreams(),
                stats.subscribers());
    }

    private static void putPort(Map<String, Integer> ports, String name, int port) {
        if (port > 0) {
            ports.put(name, port);
        }
    }

    /** The {@code port} of another component's configuration, or its default. */
    private int configuredPort(String pid, int defaultPort) {
        if (configAdmin == null) {
            return defaultPort;
        }
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found != null && found.length > 0) {
                Dictionary<String, Object> p = found[0].getProperties();
                Object port = p == null ? null : p.get("port");
                if (port != null) {
                    return Integer.parseInt(port.toString().trim());
                }
            }
        } catch (IOException | org.osgi.framework.InvalidSyntaxException | NumberFormatException e) {
            LOG.debug("No port in {}: {}", pid, e.toString());
        }
        return defaultPort;
    }

    private void reachable(Connection c) {
        if (unreachable != null) {
            LOG.info("Registry {} reachable again after {} s; registering this node's streams",
                    c.target(), Duration.between(unreachableSince, Instant.now()).toSeconds());
            resync = true;
        } else if (failures == 0 && resync) {
            LOG.info("Registered in {} as {} ({})", c.target(), node.nodeId(), node.role().configName());
        }
        unreachable = null;
        unreachableSince = null;
        failures = 0;
    }

    private void failed(Connection c, RuntimeException e) {
        failures++;
        String reason = RegistryErrors.describe(e, c.target());
        long now = System.nanoTime();
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
     * Claims every live stream not yet claimed (all of them after a reconnect, in case the registry lost them) and
     * releases every claim whose stream is no longer live. Origins only: edges and balancers ingest nothing.
     */
    private void reconcile(Connection c) {
        if (node.role() != NodeRole.ORIGIN) {
            resync = false;
            return;
        }
        Set<String> live = hub.streams().stream().map(s -> s.key().toString()).collect(Collectors.toSet());
        for (String key : live) {
            if (resync || !owned.contains(key)) {
                claim(c, key);
            }
        }
        long now = System.nanoTime();
        admitted.entrySet().removeIf(e -> live.contains(e.getKey()) || now - e.getValue() > ADMISSION_GRACE_NANOS);
        for (String key : new HashSet<>(owned)) {
            if (!live.contains(key) && !admitted.containsKey(key)) {
                release(c, key);
            }
        }
        conflicts.keySet().retainAll(live);
        resync = false;
    }

    private void claim(Connection c, String key) {
        OriginClaim claim = c.registry().claimOrigin(key, node.address(), c.settings().deadAfter());
        if (claim.granted()) {
            if (owned.add(key) || claim.outcome() == OriginClaim.Outcome.TAKEN_OVER) {
                LOG.info("Registry: {}", claim.describe());
            }
            conflicts.remove(key);
        } else {
            owned.remove(key);
            String why = claim.describe() + "; it is live here too (published while this node was cut off from "
                    + "the registry): stop one of the two publishers";
            if (conflicts.put(key, why) == null) {
                LOG.error("Registry conflict: {}", why);
            }
        }
    }

    private void release(Connection c, String key) {
        owned.remove(key);
        if (c.registry().releaseOrigin(key)) {
            LOG.info("Registry: stream {} released", key);
        }
    }

    private void leave() {
        Connection c = connection;
        if (c == null) {
            return;
        }
        if (unreachable == null) {
            try {
                long released = c.registry().leave();
                LOG.info("Left the cluster: node {} removed from the registry, {} stream(s) released",
                        node.nodeId(), released);
            } catch (RuntimeException e) {
                LOG.warn("Leaving the cluster: could not remove node {} from the registry ({}); it will show as "
                        + "dead", node.nodeId(), RegistryErrors.describe(e, c.target()));
            }
        }
        close();
    }

    private void close() {
        Connection c = connection;
        connection = null;
        owned.clear();
        admitted.clear();
        conflicts.clear();
        lastHeartbeat = null;
        unreachable = null;
        unreachableSince = null;
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
            worker.execute(() -> answer.complete(admit(key)));
        } catch (RejectedExecutionException e) {
            answer.complete(null); // leaving the cluster: the node is standalone again
        }
        return answer;
    }

    /** On the worker: null to admit, else who holds the stream. */
    private String admit(String key) {
        Connection c = connection;
        if (c == null || unreachable != null || lastHeartbeat == null) {
            if (c != null) {
                LOG.warn("Publish of {} admitted without a registry check ({}); it is registered when the "
                        + "registry answers", key, unreachable != null ? unreachable : "not registered yet");
            }
            return null;
        }
        try {
            OriginClaim claim = c.registry().claimOrigin(key, node.address(), c.settings().deadAfter());
            if (!claim.granted()) {
                LOG.info("Publish refused: {}", claim.describe());
                return claim.describe();
            }
            if (owned.add(key) || claim.outcome() == OriginClaim.Outcome.TAKEN_OVER) {
                LOG.info("Registry: {}", claim.describe());
            }
            admitted.put(key, System.nanoTime());
            return null;
        } catch (MongoException e) {
            failed(c, e);
            LOG.warn("Publish of {} admitted without a registry check ({})", key, unreachable);
            return null;
        }
    }

    @Override
    public void streamStarted(StreamKey key) {
        poke(key.toString());
    }

    @Override
    public void streamEnded(StreamKey key) {
        poke(key.toString());
    }

    /** A stream came or went: bring the registry in line now rather than at the next heartbeat. */
    private void poke(String key) {
        try {
            worker.execute(() -> {
                admitted.remove(key); // the admitted publish reached the hub (or has already ended)
                Connection c = connection;
                if (c != null && unreachable == null && lastHeartbeat != null) {
                    try {
                        reconcile(c);
                    } catch (MongoException e) {
                        failed(c, e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // deactivating
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
        return read(r -> r.nodes(deadAfter)).stream().map(ClusterMembership::toApi).toList();
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
    public boolean deleteNode(String nodeId) {
        if (nodeId.equals(node.nodeId())) {
            throw new IllegalStateException("node " + nodeId + " is this node; it leaves the registry when it is "
                    + "switched to standalone (bin/aqueduct mode standalone) or stopped");
        }
        Duration deadAfter = settings.deadAfter();
        return read(r -> r.deleteNode(nodeId, deadAfter));
    }

    private static ClusterNode toApi(NodeStatus s) {
        NodeRecord n = s.node();
        return new ClusterNode(n.id(), n.address(), n.ports(), n.role(), n.group(), n.version(), n.started(),
                n.cpu(), n.memoryUsed(), n.memoryMax(), n.streams(), n.viewers(), s.lastHeartbeat(), s.age(),
                s.alive());
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
                    + " attempt(s); this node keeps serving its streams and retries every "
                    + Math.min(MAX_BACKOFF_MS, c.settings().heartbeatPeriod().toMillis() << Math.min(failures, 6))
                    + " ms at most");
        }
        if (lastHeartbeat == null) {
            return HealthCheck.degraded("connecting to the registry at " + c.target());
        }
        StringBuilder s = new StringBuilder("registered in ").append(c.target()).append(" as ")
                .append(node.nodeId()).append(" (").append(node.role().configName()).append("), last heartbeat ")
                .append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeartbeatNanos)).append(" ms ago, ")
                .append(owned.size()).append(" stream(s) registered here");
        if (problem != null) {
            s.append("; ").append(problem);
        }
        if (!conflicts.isEmpty()) {
            return HealthCheck.degraded(s + "; " + String.join("; ", conflicts.values()));
        }
        return problem != null ? HealthCheck.degraded(s.toString()) : new HealthCheck(HealthCheck.Status.UP,
                s.toString());
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

    /** For tests: the streams this node holds as origin. */
    Set<String> owned() {
        return Set.copyOf(owned);
    }
}
