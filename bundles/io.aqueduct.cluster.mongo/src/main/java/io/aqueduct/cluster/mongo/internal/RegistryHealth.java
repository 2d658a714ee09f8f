package io.aqueduct.cluster.mongo.internal;

import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeMode;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The {@code cluster-registry} health check: UP while this node heartbeats into the registry with nothing to
 * report; DEGRADED (never DOWN: the node keeps serving its streams) with the reason while the configuration is
 * unusable, the registry is away, a tick fails, the last heartbeat is older than dead-after, or a stream live here
 * is registered to another node.
 */
final class RegistryHealth {
    private final Supplier<NodeIdentity> node;
    private final RegistryConnection connection;
    private final RegistryOutage outage;
    private final Heartbeat heartbeat;
    private final OriginClaims claims;

    RegistryHealth(Supplier<NodeIdentity> node, RegistryConnection connection, RegistryOutage outage,
            Heartbeat heartbeat, OriginClaims claims) {
        this.node = node;
        this.connection = connection;
        this.outage = outage;
        this.heartbeat = heartbeat;
        this.claims = claims;
    }

    HealthCheck check() {
        NodeIdentity n = node.get();
        if (n.mode() != NodeMode.CLUSTER) {
            return new HealthCheck(HealthCheck.Status.UP, "not in a cluster (mode standalone)");
        }
        RegistryClient c = connection.client();
        String problem = connection.configProblem();
        if (c == null) {
            return HealthCheck.degraded(problem != null ? problem : "starting");
        }
        String down = outage.reason();
        if (down != null) {
            return HealthCheck.degraded(down + "; unreachable since " + outage.since() + ", " + outage.failures()
                    + " attempt(s); this node keeps serving its streams and tries again in "
                    + heartbeat.nextDelayMillis() + " ms");
        }
        if (!heartbeat.hasBeaten()) {
            return HealthCheck.degraded("connecting to the registry at " + c.target());
        }
        long sinceHeartbeat = heartbeat.millisSinceLast();
        StringBuilder s = new StringBuilder("registered in ").append(c.target()).append(" as ")
                .append(n.nodeId()).append(" (").append(n.role().configName()).append("), last heartbeat ")
                .append(sinceHeartbeat).append(" ms ago, ")
                .append(claims.registeredHere().size()).append(" stream(s) registered here");
        boolean degraded = false;
        for (String p : new String[] {problem, heartbeat.problem()}) {
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
        Collection<String> conflicts = claims.conflicts();
        if (!conflicts.isEmpty()) {
            s.append("; ").append(String.join("; ", conflicts));
            degraded = true;
        }
        return degraded ? HealthCheck.degraded(s.toString()) : new HealthCheck(HealthCheck.Status.UP, s.toString());
    }
}
