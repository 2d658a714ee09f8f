package io.aqueduct.core.internal.node;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads configuration PID {@code io.aqueduct.node}, publishes the node's {@link NodeIdentity} and makes the set
 * of active capability bundles match the node's role, in the running framework.
 *
 * <p>A configuration with a bad value is rejected as a whole: the node keeps running as it was, the rejection
 * is logged with the key and the value, and the {@code node-config} health check reports it until a good
 * configuration arrives. Bundle starts and stops run on one thread of their own, in order, so a burst of
 * configuration changes ends in the state of the last one and ConfigAdmin's thread is never held up.
 */
@Component(configurationPid = NodeSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
@Designate(ocd = RoleManager.Config.class)
public final class RoleManager implements BundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(RoleManager.class);

    @ObjectClassDefinition(name = "Aqueduct node",
            description = "Who this node is and what it does. Changing mode or role starts and stops bundles "
                    + "in the running node.")
    public @interface Config {
        @AttributeDefinition(description = "standalone: one node does everything; cluster: join the registry",
                options = {@Option(label = "standalone", value = "standalone"),
                        @Option(label = "cluster", value = "cluster")})
        String mode() default "standalone";

        @AttributeDefinition(description = "Role in a cluster: origin ingests, edge serves viewers, "
                + "lb renders the load balancer's configuration",
                options = {@Option(label = "origin", value = "origin"), @Option(label = "edge", value = "edge"),
                        @Option(label = "lb", value = "lb")})
        String role() default "origin";

        @AttributeDefinition(name = "MongoDB URI", description = "The registry, needed in cluster mode")
        String mongo_uri() default "";

        @AttributeDefinition(name = "Node address", description = "The private address other nodes reach")
        String node_address() default NodeSettings.DEFAULT_ADDRESS;

        @AttributeDefinition(name = "Node group", description = "Group within the role, for example a region")
        String node_group() default "";

        @AttributeDefinition(name = "Node id", description = "Leave empty to use the id generated at first start "
                + "(kept in data/node.id)")
        String node_id() default "";
    }

    private final Instant started = Instant.now();
    private BundleContext context;
    private ExecutorService worker;
    private volatile NodeSettings settings = NodeSettings.DEFAULTS;
    private volatile String storedNodeId;
    private volatile String rejection;
    private long revision;
    private final List<String> bundleProblems = new ArrayList<>();
    private ServiceRegistration<NodeIdentity> identityRegistration;
    private ServiceRegistration<HealthIndicator> healthRegistration;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws IOException {
        this.context = context;
        this.storedNodeId = new NodeIdStore(nodeIdFile(context)).loadOrCreate();
        this.worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "aqueduct-role-manager"));
        accept(properties);
        identityRegistration = context.registerService(NodeIdentity.class, new Identity(), identityProperties());
        healthRegistration = context.registerService(HealthIndicator.class, new ConfigHealth(), null);
        context.addBundleListener(this);
        LOG.info("Node {} running as {}", nodeId(), settings.describeAll());
        applyRoleToAll();
    }

    @Modified
    void modified(Map<String, Object> properties) {
        NodeSettings before = settings;
        if (!accept(properties) || before.equals(settings)) {
            return;
        }
        LOG.info("Node configuration changed: {} (was {})", settings.describeAll(), before.describeAll());
        revision++;
        identityRegistration.setProperties(identityProperties());
        if (before.role() != settings.role()) {
            applyRoleToAll();
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        context.removeBundleListener(this);
        worker.shutdown();
        worker.awaitTermination(30, TimeUnit.SECONDS);
        identityRegistration.unregister();
        healthRegistration.unregister();
    }

    /** Takes a configuration if it is valid; otherwise logs why and keeps the current one. */
    private boolean accept(Map<String, ?> properties) {
        try {
            settings = NodeSettings.parse(properties);
            if (rejection != null) {
                LOG.info("{} accepted; the earlier rejection is cleared", NodeSettings.PID);
            }
            rejection = null;
            return true;
        } catch (InvalidSettingException e) {
            rejection = e.getMessage() + "; keeping " + settings.describe();
            LOG.error("Rejected configuration {}", rejection);
            return false;
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        // STARTED too: the framework (or a test container) may start a bundle after it was installed and checked,
        // and a bundle of another role must not stay active because of that
        if (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED
                || event.getType() == BundleEvent.STARTED && !RoleBundles.wanted(event.getBundle(), settings.role())) {
            Bundle bundle = event.getBundle();
            submit(() -> applyRole(bundle));
        }
    }

    private void applyRoleToAll() {
        submit(() -> {
            synchronized (bundleProblems) {
                bundleProblems.clear();
            }
            // Stops first, newest bundle first, then starts, oldest first: like the framework's own shutdown, a
            // bundle stops before the ones installed (or levelled) below it, so the registry client leaves the
            // embedded registry before that stops.
            Bundle[] all = context.getBundles();
            NodeRole role = settings.role();
            for (int i = all.length - 1; i >= 0; i--) {
                if (!RoleBundles.wanted(all[i], role)) {
                    applyRole(all[i]);
                }
            }
            for (Bundle b : all) {
                if (RoleBundles.wanted(b, role)) {
                    applyRole(b);
                }
            }
        });
    }

    private void applyRole(Bundle bundle) {
        NodeRole role = settings.role();
        String problem = RoleBundles.apply(bundle, role);
        if (problem != null) {
            LOG.error(problem);
            synchronized (bundleProblems) {
                bundleProblems.add(problem);
            }
        } else if (RoleBundles.rolesOf(bundle) != null) {
            LOG.debug("{} {} for role {}", bundle.getSymbolicName(),
                    RoleBundles.wanted(bundle, role) ? "active" : "stopped", role.configName());
        }
    }

    private void submit(Runnable task) {
        try {
            worker.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Shutting down: the framework stops every bundle anyway.
        }
    }

    private String nodeId() {
        return settings.nodeId().isEmpty() ? storedNodeId : settings.nodeId();
    }

    private Hashtable<String, Object> identityProperties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(NodeIdentity.MODE_PROPERTY, settings.mode().configName());
        p.put(NodeIdentity.ROLE_PROPERTY, settings.role().configName());
        p.put("aqueduct.node.id", nodeId());
        p.put(NodeIdentity.REVISION_PROPERTY, revision);
        return p;
    }

    /** Where the generated node id lives: {@code <aqueduct.home>/data/node.id}, else the bundle's data area. */
    private static Path nodeIdFile(BundleContext context) {
        String home = context.getProperty("aqueduct.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "data", "node.id");
        }
        return context.getDataFile("node.id").toPath();
    }

    /** A live view: callers always see the current configuration. */
    private final class Identity implements NodeIdentity {
        @Override
        public String nodeId() {
            return RoleManager.this.nodeId();
        }

        @Override
        public NodeMode mode() {
            return settings.mode();
        }

        @Override
        public NodeRole role() {
            return settings.role();
        }

        @Override
        public String address() {
            return settings.address();
        }

        @Override
        public String registry() {
            return settings.mongoUri();
        }

        @Override
        public String group() {
            return settings.group();
        }

        @Override
        public Instant started() {
            return started;
        }

        @Override
        public String toString() {
            return "NodeIdentity[" + nodeId() + " " + settings.describe() + "]";
        }
    }

    private final class ConfigHealth implements HealthIndicator {
        @Override
        public String name() {
            return "node-config";
        }

        @Override
        public HealthCheck check() {
            String rejected = rejection;
            if (rejected != null) {
                return HealthCheck.degraded("rejected " + rejected);
            }
            synchronized (bundleProblems) {
                if (!bundleProblems.isEmpty()) {
                    return HealthCheck.degraded(String.join("; ", bundleProblems));
                }
            }
            return HealthCheck.up();
        }
    }
}
