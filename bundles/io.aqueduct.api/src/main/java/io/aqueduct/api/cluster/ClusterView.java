package io.aqueduct.api.cluster;

import io.aqueduct.api.stream.StreamKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Read access to the cluster registry, and the one write an operator makes by hand (deleting a dead node). Every
 * call asks the registry (a network round trip); while it cannot be reached, calls fail at once with
 * {@link RegistryUnavailableException} instead of waiting.
 */
@ProviderType
public interface ClusterView {

    /** This node's id in the registry. */
    String nodeId();

    /** Where the registry is, for display: the MongoDB target with any password masked. */
    String registry();

    /** How often nodes heartbeat. */
    Duration heartbeatPeriod();

    /** How old a heartbeat makes a node dead. */
    Duration deadAfter();

    /** Every node in the registry, alive or dead, ordered by id. */
    List<ClusterNode> nodes();

    /** Every registered stream with its origin, ordered by key. */
    List<ClusterStream> streams();

    /** The stream's origin, when the stream is registered and its origin is alive. */
    Optional<ClusterStream> lookup(StreamKey key);

    /**
     * Removes a dead node from the registry.
     *
     * @return false when there is no such node
     * @throws IllegalStateException when the node is alive (only dead nodes can be deleted)
     */
    boolean deleteNode(String nodeId);
}
