package io.aqueduct.edge.internal.node;

import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.net.EventLoops;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.edge.internal.origin.RelayServer;
import io.aqueduct.edge.internal.origin.RelayStatistics;
import java.util.Map;
import java.util.stream.Collectors;
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
 * The origin side of the relay: a {@link RelayServer} on the node's private address (PID {@value RelaySettings#PID},
 * port 5000), serving every live stream to the edges that show a token signed with the cluster secret. Runs on
 * cluster origins only. Its health check ({@code relay}) names every connected edge and what it pulls.
 */
@Component(configurationPid = RelaySettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = HealthIndicator.class)
@Designate(ocd = RelayOrigin.Config.class)
public final class RelayOrigin implements HealthIndicator {
    private static final Logger LOG = LoggerFactory.getLogger(RelayOrigin.class);

    @ObjectClassDefinition(name = "Aqueduct relay", description = "Origins serve their streams to edges on this "
            + "port; edges pull from it")
    public @interface Config {
        @AttributeDefinition(description = "Address the origin listens on for edges; empty: the node's private "
                + "address (node.address of io.aqueduct.node)")
        String host() default "";

        @AttributeDefinition(description = "TCP port of the relay")
        int port() default RelaySettings.DEFAULT_PORT;

        @AttributeDefinition(description = "Edges: how long a stream whose origin was "
                + "lost is held for its viewers (they stay connected) while the edge looks for it on the origins; "
                + "0 ends it at once")
        long failover_grace_ms() default RelaySettings.DEFAULT_FAILOVER_GRACE_MILLIS;

        @AttributeDefinition(description = "Edges: a pulled stream nobody watches (no RTMP player, no HLS "
                + "request) for this long is released; the next viewer pulls it again")
        long pull_idle_ms() default RelaySettings.DEFAULT_PULL_IDLE_MILLIS;
    }

    private final NodeIdentity node;
    private final RelayServer server;
    private volatile RelaySettings settings = RelaySettings.DEFAULTS;
    private volatile String rejected;

    @Activate
    public RelayOrigin(@Reference StreamHub hub, @Reference(target = "(aqueduct.role=origin)") NodeIdentity node,
            @Reference ClusterView cluster, @Reference EventLoops loops) {
        this.node = node;
        this.server = new RelayServer(hub, loops, () -> {
            try {
                return cluster.secret();
            } catch (RegistryUnavailableException e) {
                return null; // the server refuses edges, saying there is no secret yet
            }
        }, node.nodeId());
    }

    @Activate
    void activate(Map<String, Object> properties) {
        apply(properties);
        server.bind(settings.listenHost(node.address()), settings.port());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        RelaySettings before = settings;
        apply(properties);
        if (!settings.equals(before)) {
            server.bind(settings.listenHost(node.address()), settings.port());
        }
    }

    private void apply(Map<String, Object> properties) {
        try {
            settings = RelaySettings.parse(properties);
            rejected = null;
        } catch (InvalidSettingException e) {
            rejected = "rejected " + e.getMessage() + "; keeping port " + settings.port();
            LOG.error("Relay configuration {}", rejected);
        }
    }

    @Deactivate
    void deactivate() {
        server.close();
    }

    /** For the edge component's tests and the REST side later. */
    RelayStatistics statistics() {
        return server.statistics();
    }

    @Override
    public String name() {
        return "relay";
    }

    @Override
    public HealthCheck check() {
        String problem = server.problem();
        if (problem != null) {
            return HealthCheck.degraded(problem + (rejected != null ? "; " + rejected : ""));
        }
        RelayStatistics s = server.statistics();
        String edges = s.connections().stream().map(c -> c.edgeId() + " " + c.streams())
                .collect(Collectors.joining(", "));
        String text = "serving edges on " + server.localAddress().getHostString() + ":"
                + server.localAddress().getPort() + ": " + s.connectionsOpen() + " connection(s)"
                + (edges.isEmpty() ? "" : " (" + edges + ")") + ", " + s.subscriptionsOpen() + " stream(s) relayed, "
                + s.refused() + " refused";
        return rejected != null ? HealthCheck.degraded(text + "; " + rejected)
                : new HealthCheck(HealthCheck.Status.UP, text);
    }
}
