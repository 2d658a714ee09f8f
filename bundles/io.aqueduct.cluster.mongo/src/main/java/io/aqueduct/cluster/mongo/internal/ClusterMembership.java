package io.aqueduct.cluster.mongo.internal;

import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.access.PublishAdmission;
import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.api.stream.ViewerCount;
import io.aqueduct.cluster.mongo.MongoTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
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
 * <p>The component wires parts that each do one job: {@link RegistryConnection} (which registry, or why none),
 * {@link Heartbeat} (the tick), {@link RegistryOutage} (the registry away: backoff and its log),
 * {@link OriginClaims} (admission and reconciliation), {@link ClusterReads} and {@link RegistryHealth}. They take
 * their time from a {@link Ticker} and run on one scheduled executor, both injected, so tests run them in
 * simulated time.
 *
 * <p><b>All registry writes run on one thread</b> ({@code aqueduct-registry}), in order: heartbeats, claims for
 * publishes, releases. A tick heartbeats and then brings the registry in line with the hub: every live stream
 * claimed, every claim of a stream that is no longer live released. So a publish made while the registry was away,
 * a release that failed, or a registry that lost its data all come right at the next good tick.
 *
 * <p><b>The registry going away never stops the node.</b> A failed tick marks the registry unreachable (logged
 * once, shown in {@code /health}), and the next try waits twice as long, up to {@value RegistryOutage#MAX_BACKOFF_MS}
 * ms. Meanwhile publishes are admitted without a claim (the stream goes on; it is claimed when the registry
 * returns) and reads fail at once with the reason. A claim refused on return (another origin took the stream while
 * this node looked dead) leaves the local stream playing and is reported as a conflict.
 */
@Designate(ocd = ClusterMembership.Config.class)
@Component(configurationPid = RegistrySettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        service = {ClusterView.class, PublishAdmission.class, StreamLifecycleListener.class, HealthIndicator.class})
public final class ClusterMembership implements ClusterView, PublishAdmission, StreamLifecycleListener,
        HealthIndicator {
    /** The configuration of the embedded registry this node hosts with {@code mongo.uri = embedded}. */
    static final String EMBEDDED_PID = "io.aqueduct.registry.embedded";
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
    private final ScheduledExecutorService worker;
    private final Ticker ticker;
    private final PeerConfigurations peers;
    private final List<ViewerCount> viewerCounts = new CopyOnWriteArrayList<>();
    private final RegistryConnection connection = new RegistryConnection();
    private final RegistryOutage outage;
    private final Heartbeat heartbeat;
    private final OriginClaims claims;
    private final ClusterReads reads;
    private final RegistryHealth health;

    // Registry thread only.
    private Map<String, ?> properties = Map.of();
    private ScheduledFuture<?> embeddedRetry;

    @Activate
    public ClusterMembership(@Reference StreamHub hub, @Reference ConfigurationAdmin configAdmin,
            BundleContext context) {
        this(null, hub, configAdmin, context.getBundle().getVersion().toString(),
                port(context.getProperty("org.osgi.service.http.port")), registryThread(), Ticker.SYSTEM);
    }

    /**
     * @param node this node; null when SCR binds it ({@link #bindNode})
     * @param configAdmin where the RTMP and embedded registry ports are read; null for the defaults
     * @param httpPort this node's HTTP port as the launcher set it, or -1
     * @param worker the registry thread: one thread, whose delayed tasks are dropped when it is shut down
     * @param ticker the time every interval is measured in
     */
    ClusterMembership(NodeIdentity node, StreamHub hub, ConfigurationAdmin configAdmin, String version,
            int httpPort, ScheduledExecutorService worker, Ticker ticker) {
        this.node = node;
        this.worker = worker;
        this.ticker = ticker;
        this.peers = new PeerConfigurations(configAdmin);
        this.outage = new RegistryOutage(ticker);
        NodeReport report = new NodeReport(() -> this.node, hub, peers, version, httpPort, viewerCounts);
        this.heartbeat = new Heartbeat(worker, ticker, outage, report, this::reconcile);
        this.claims = new OriginClaims(() -> this.node, hub, ticker, outage, heartbeat);
        this.reads = new ClusterReads(connection, outage, heartbeat);
        this.health = new RegistryHealth(() -> this.node, connection, outage, heartbeat, claims);
    }

    /** After every heartbeat (the claims need the heartbeat, so they are made after it). */
    private void reconcile(RegistryClient c) {
        claims.reconcile(c);
    }

    /** The production registry thread. */
    static ScheduledExecutorService registryThread() {
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1,
                r -> new Thread(r, "aqueduct-registry"));
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return thread;
    }

    private static int port(String value) {
        try {
            return value == null ? -1 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The playback protocols' viewer counts: the node reports its viewers (players), not internal subscriptions. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addViewerCount(ViewerCount count) {
        viewerCounts.add(count);
    }

    void removeViewerCount(ViewerCount count) {
        viewerCounts.remove(count);
    }

    /** This node, in cluster mode only: in standalone mode the component does not run. */
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
                leave(connection.client());
                close();
            }));
        } catch (RejectedExecutionException e) {
            return; // already stopped
        }
        worker.shutdown();
        RegistrySettings s = connection.settings();
        long wait = RegistryClient.readTimeoutMillis(s) + 2 * s.timeout().toMillis() + 1000;
        if (!worker.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
            // the worker is stuck in a registry call: closing the client ends the call and its threads
            worker.shutdownNow();
            connection.close();
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

    /** A registry-thread task that logs what it throws instead of losing it in the executor. */
    static Runnable safely(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Registry task failed", e);
            }
        };
    }

    // ---- the registry thread ----

    private void configure() {
        if (embeddedRetry != null) {
            embeddedRetry.cancel(false);
            embeddedRetry = null;
        }
        RegistrySettings wanted;
        try {
            wanted = RegistrySettings.parse(properties);
            connection.configProblem(null);
        } catch (InvalidSettingException e) {
            RegistrySettings kept = connection.settings();
            connection.configProblem("rejected " + e.getMessage() + "; keeping " + kept.describe());
            LOG.error("Registry configuration {}", connection.configProblem());
            wanted = kept;
        }
        String uri = node.registry().trim();
        int embeddedPort = peers.port(EMBEDDED_PID, -1);
        if (uri.equalsIgnoreCase("embedded") && embeddedPort < 0) {
            // FileInstall may hand over the node's file before the registry's: look again shortly
            leave(connection.client());
            close();
            String waiting = "mongo.uri is 'embedded' but this node hosts no embedded registry yet (no "
                    + "configuration " + EMBEDDED_PID + "); bin/aqueduct mode cluster embedded writes it";
            if (!waiting.equals(connection.configProblem())) {
                LOG.info("Waiting for the embedded registry's configuration ({})", EMBEDDED_PID);
            }
            connection.configProblem(waiting);
            embeddedRetry = worker.schedule(safely(this::configure), 1, TimeUnit.SECONDS);
            return;
        }
        MongoTarget target;
        try {
            target = MongoTarget.parse(uri, peers.text(EMBEDDED_PID, "host", "127.0.0.1"),
                    embeddedPort < 0 ? MongoTarget.DEFAULT_EMBEDDED_PORT : embeddedPort);
        } catch (IllegalArgumentException e) {
            leave(connection.client());
            close();
            connection.configProblem("mongo.uri of io.aqueduct.node: " + e.getMessage()
                    + "; set it with bin/aqueduct mode cluster <mongo>");
            LOG.error("Not joining the cluster: {}", connection.configProblem());
            return;
        }
        RegistryClient c = connection.client();
        if (c != null && c.isFor(target, wanted, node.nodeId())) {
            return;
        }
        if (c != null && !c.isSameEntry(target, node.nodeId())) {
            leave(c); // another registry, or another id: the old entry goes
        }
        close();
        RegistryClient opened = connection.open(target, wanted, node.nodeId(), ticker);
        LOG.info("Joining the cluster: registry {} (database {}), {}", target, wanted.databaseFor(target),
                wanted.describe());
        heartbeat.start(opened);
    }

    /** Takes this node out of a registry it is leaving, if that registry answers; a failure is only logged. */
    private void leave(RegistryClient c) {
        if (c == null || outage.isDown() || !heartbeat.hasBeaten()) {
            return;
        }
        try {
            long released = c.registry().leave();
            LOG.info("Left the cluster: node {} removed from the registry, {} stream(s) released",
                    c.registry().nodeId(), released);
        } catch (RuntimeException e) {
            LOG.warn("Leaving the cluster: could not remove node {} from the registry ({}); it will show as dead",
                    c.registry().nodeId(), c.describe(e));
        }
    }

    private void close() {
        heartbeat.stop();
        claims.clear();
        outage.reset();
        connection.close();
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
                    answer.complete(claims.admit(connection.client(), key));
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

    @Override
    public void streamStarted(StreamKey key) {
        String k = key.toString();
        submit(() -> {
            claims.started(k); // the admitted publish reached the hub
            claims.reconcileNow(connection.client());
        });
    }

    @Override
    public void streamEnded(StreamKey key) {
        // The admission is kept: a reconnecting encoder's new publish may have been admitted before this end of
        // its previous publication arrived.
        submit(() -> claims.reconcileNow(connection.client()));
    }

    // ---- reads (REST threads) ----

    @Override
    public String nodeId() {
        return node.nodeId();
    }

    @Override
    public String registry() {
        return connection.describeTarget();
    }

    @Override
    public Duration heartbeatPeriod() {
        return connection.settings().heartbeatPeriod();
    }

    @Override
    public Duration deadAfter() {
        return connection.settings().deadAfter();
    }

    @Override
    public List<ClusterNode> nodes() {
        return reads.nodes();
    }

    @Override
    public List<ClusterStream> streams() {
        return reads.streams();
    }

    @Override
    public Optional<ClusterStream> lookup(StreamKey key) {
        return reads.lookup(key);
    }

    @Override
    public byte[] secret() {
        return reads.secret();
    }

    @Override
    public boolean deleteNode(String nodeId) {
        if (nodeId.equals(node.nodeId())) {
            throw new IllegalStateException("node " + nodeId + " is this node; it leaves the registry when it is "
                    + "switched to standalone (bin/aqueduct mode standalone) or stopped");
        }
        return reads.deleteNode(nodeId);
    }

    // ---- health ----

    @Override
    public String name() {
        return "cluster-registry";
    }

    @Override
    public HealthCheck check() {
        return health.check();
    }

    /** For tests: runs a task on the registry thread and waits for it. */
    void awaitWorker() throws Exception {
        worker.submit(() -> { }).get(30, TimeUnit.SECONDS);
    }

    /** For tests: stops heartbeating at once without leaving the registry, as a killed process would. */
    void crash() {
        worker.shutdownNow();
        RegistryClient c = connection.client();
        if (c != null) {
            c.close();
        }
    }

    /** For tests: the streams the registry gave to this node at the latest reconciliation. */
    Set<String> owned() {
        return claims.registeredHere();
    }
}
