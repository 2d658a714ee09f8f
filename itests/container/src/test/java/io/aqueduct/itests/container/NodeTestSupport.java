package io.aqueduct.itests.container;

import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import java.io.IOException;
import java.util.Hashtable;
import java.util.function.Predicate;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Helpers, run inside the container, that read the node's identity and health, set its configuration and wait
 * for the outcome.
 */
public abstract class NodeTestSupport extends ContainerTestSupport {

    protected static final String NODE_PID = "io.aqueduct.node";
    protected static final String NODE_CONFIG_INDICATOR = "node-config";

    // ---- the node's identity ----------------------------------------------------------------------------

    /** What the NodeIdentity service says about itself, and what its service properties say. */
    protected record NodeView(long serviceId, NodeMode mode, NodeRole role, Object modeProperty,
            Object roleProperty) {

        boolean is(NodeMode expectedMode, NodeRole expectedRole) {
            return mode == expectedMode && role == expectedRole
                    && expectedMode.configName().equals(modeProperty)
                    && expectedRole.configName().equals(roleProperty);
        }
    }

    /** The node as published now, or null while no NodeIdentity service is registered. */
    protected NodeView node() {
        ServiceReference<NodeIdentity> ref = context().getServiceReference(NodeIdentity.class);
        if (ref == null) {
            return null;
        }
        NodeIdentity identity = context().getService(ref);
        if (identity == null) {
            return null;
        }
        try {
            return new NodeView((Long) ref.getProperty(Constants.SERVICE_ID), identity.mode(), identity.role(),
                    ref.getProperty(NodeIdentity.MODE_PROPERTY), ref.getProperty(NodeIdentity.ROLE_PROPERTY));
        } finally {
            context().ungetService(ref);
        }
    }

    protected NodeView awaitNode(NodeMode mode, NodeRole role) {
        return await("NodeIdentity mode=" + mode + " role=" + role + " with service properties "
                + NodeIdentity.MODE_PROPERTY + "=" + mode.configName() + ", " + NodeIdentity.ROLE_PROPERTY + "="
                + role.configName(), this::node, n -> n != null && n.is(mode, role));
    }

    // ---- the node's configuration -----------------------------------------------------------------------

    /** Replaces the {@code io.aqueduct.node} configuration with the given key, value pairs. */
    protected void configureNode(String... keysAndValues) throws IOException {
        Hashtable<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        // "?" binds the configuration to no single bundle, as FileInstall does, so core's SCR receives it.
        awaitService(ConfigurationAdmin.class).getConfiguration(NODE_PID, "?").update(properties);
    }

    /** Deletes every {@code io.aqueduct.node} configuration and waits until the node is back to its defaults. */
    protected void resetNode() throws IOException, InvalidSyntaxException {
        org.osgi.service.cm.Configuration[] existing = awaitService(ConfigurationAdmin.class)
                .listConfigurations("(" + Constants.SERVICE_PID + "=" + NODE_PID + ")");
        if (existing != null) {
            for (org.osgi.service.cm.Configuration c : existing) {
                c.delete();
            }
            awaitConfigurationEventsDelivered();
        }
        awaitNode(NodeMode.STANDALONE, NodeRole.STANDALONE);
        awaitNodeConfigHealth("UP once no configuration is left", h -> h.status() == HealthCheck.Status.UP);
    }

    /**
     * Waits until ConfigAdmin has delivered every event so far to every listener (SCR among them). Deleting a
     * configuration that is already at its defaults changes nothing observable, and a new configuration created
     * right after could reach ConfigAdmin before SCR has handled the deletion. ConfigAdmin delivers events on
     * one thread, in order, so once our own listener sees an update of a marker configuration, everything
     * before it has been handled.
     */
    private void awaitConfigurationEventsDelivered() throws IOException {
        String marker = "io.aqueduct.itests.barrier";
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
        org.osgi.framework.ServiceRegistration<org.osgi.service.cm.ConfigurationListener> listener =
                context().registerService(org.osgi.service.cm.ConfigurationListener.class, event -> {
                    if (marker.equals(event.getPid())) {
                        seen.countDown();
                    }
                }, null);
        try {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("at", System.nanoTime());
            awaitService(ConfigurationAdmin.class).getConfiguration(marker, "?").update(properties);
            if (!seen.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("ConfigAdmin did not deliver the marker configuration event within 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            listener.unregister();
        }
    }

    // ---- health -----------------------------------------------------------------------------------------

    /** What the {@code node-config} health indicator reports now, or null while it is not registered. */
    protected HealthCheck nodeConfigHealth() {
        return health(NODE_CONFIG_INDICATOR);
    }

    /** What the health indicator called {@code name} reports now, or null while none is registered. */
    protected HealthCheck health(String name) {
        try {
            for (ServiceReference<HealthIndicator> ref : context().getServiceReferences(HealthIndicator.class, null)) {
                HealthIndicator indicator = context().getService(ref);
                if (indicator == null) {
                    continue;
                }
                try {
                    if (name.equals(indicator.name())) {
                        return indicator.check();
                    }
                } finally {
                    context().ungetService(ref);
                }
            }
            return null;
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    protected HealthCheck awaitNodeConfigHealth(String expectation, Predicate<HealthCheck> done) {
        return await("the " + NODE_CONFIG_INDICATOR + " health indicator " + expectation, this::nodeConfigHealth,
                h -> h != null && done.test(h));
    }
}
