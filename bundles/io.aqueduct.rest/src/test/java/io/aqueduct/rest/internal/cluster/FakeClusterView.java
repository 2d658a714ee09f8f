package io.aqueduct.rest.internal.cluster;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.api.stream.StreamKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A registry held in lists; {@link #unavailable} makes every call fail the way the real one does. */
public final class FakeClusterView implements ClusterView {
    public final List<ClusterNode> nodes = new ArrayList<>();
    public final List<ClusterStream> streams = new ArrayList<>();
    public final List<String> deleted = new ArrayList<>();
    /** When set, every call throws RegistryUnavailableException with this message. */
    public volatile String unavailable;
    /** When set, every call throws it (a bug in the registry bundle). */
    public volatile RuntimeException failure;

    @Override
    public byte[] secret() {
        return new byte[32];
    }

    @Override
    public String nodeId() {
        return "n1";
    }

    @Override
    public String registry() {
        return "mongodb://10.0.0.5:27017/aqueduct";
    }

    @Override
    public Duration heartbeatPeriod() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration deadAfter() {
        return Duration.ofSeconds(10);
    }

    @Override
    public List<ClusterNode> nodes() {
        check();
        return List.copyOf(nodes);
    }

    @Override
    public List<ClusterStream> streams() {
        check();
        return List.copyOf(streams);
    }

    @Override
    public Optional<ClusterStream> lookup(StreamKey key) {
        check();
        return streams.stream().filter(s -> s.key().equals(key.toString()) && s.originAlive()).findFirst();
    }

    @Override
    public boolean deleteNode(String nodeId) {
        check();
        for (ClusterNode n : nodes) {
            if (n.id().equals(nodeId)) {
                if (n.alive()) {
                    throw new IllegalStateException("node " + nodeId + " is alive (last heartbeat "
                            + n.heartbeatAge().toMillis() + " ms ago); only dead nodes can be deleted");
                }
                nodes.remove(n);
                deleted.add(nodeId);
                return true;
            }
        }
        return false;
    }

    private void check() {
        if (failure != null) {
            throw failure;
        }
        if (unavailable != null) {
            throw new RegistryUnavailableException(unavailable);
        }
    }
}
