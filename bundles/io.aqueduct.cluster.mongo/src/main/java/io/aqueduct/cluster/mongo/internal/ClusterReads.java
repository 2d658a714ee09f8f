package io.aqueduct.cluster.mongo.internal;

import com.mongodb.MongoException;
import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.api.stream.StreamKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link io.aqueduct.api.cluster.ClusterView} reads (REST threads): each goes to the registry, and fails at once
 * with the reason while the registry is away, not configured, or not yet heartbeat to (the registry learns the
 * server's time, which liveness is measured in, from this node's heartbeat).
 */
final class ClusterReads {
    private final RegistryConnection connection;
    private final RegistryOutage outage;
    private final Heartbeat heartbeat;

    ClusterReads(RegistryConnection connection, RegistryOutage outage, Heartbeat heartbeat) {
        this.connection = connection;
        this.outage = outage;
        this.heartbeat = heartbeat;
    }

    List<ClusterNode> nodes() {
        Duration deadAfter = connection.settings().deadAfter();
        return read(r -> r.nodes(deadAfter)).stream().map(NodeStatus::toClusterNode).toList();
    }

    List<ClusterStream> streams() {
        Duration deadAfter = connection.settings().deadAfter();
        return read(r -> r.streams(deadAfter)).stream().map(ClusterReads::toApi).toList();
    }

    Optional<ClusterStream> lookup(StreamKey key) {
        Duration deadAfter = connection.settings().deadAfter();
        return read(r -> r.lookup(key.toString(), deadAfter)).map(ClusterReads::toApi);
    }

    byte[] secret() {
        byte[] s = heartbeat.secret();
        if (s == null) {
            readable(); // says why the registry cannot be read, if it cannot
            throw new RegistryUnavailableException("the cluster secret has not been read from the registry yet");
        }
        return s.clone();
    }

    /** Deletes another node's document; {@link ClusterMembership} refuses this node's own. */
    boolean deleteNode(String nodeId) {
        Duration deadAfter = connection.settings().deadAfter();
        return read(r -> r.deleteNode(nodeId, deadAfter));
    }

    private RegistryClient readable() {
        RegistryClient c = connection.client();
        if (c == null) {
            String problem = connection.configProblem();
            throw new RegistryUnavailableException(problem != null ? problem : "not connected to a registry");
        }
        String down = outage.reason();
        if (down != null) {
            throw new RegistryUnavailableException(down + " (since " + outage.since() + ")");
        }
        if (!heartbeat.hasBeaten()) {
            throw new RegistryUnavailableException("connecting to the registry at " + c.target()
                    + "; no heartbeat yet");
        }
        return c;
    }

    private <T> T read(Function<ClusterRegistry, T> call) {
        RegistryClient c = readable();
        try {
            return call.apply(c.registry());
        } catch (MongoException e) {
            throw new RegistryUnavailableException(c.describe(e), e);
        }
    }

    private static ClusterStream toApi(StreamOrigin o) {
        return new ClusterStream(o.key(), o.nodeId(), o.address(), o.claimed(), o.alive());
    }
}
