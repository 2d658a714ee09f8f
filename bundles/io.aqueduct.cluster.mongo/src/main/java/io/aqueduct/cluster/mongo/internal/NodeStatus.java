package io.aqueduct.cluster.mongo.internal;

import io.aqueduct.api.cluster.ClusterNode;
import java.time.Duration;
import java.time.Instant;

/**
 * A node as read back from the registry.
 *
 * @param node what it reported last
 * @param lastHeartbeat its last heartbeat, in MongoDB server time
 * @param age how long ago that was, in the registry's estimate of server time (zero if the heartbeat looks newer)
 * @param alive whether {@code age} is within the dead-after interval asked for
 */
public record NodeStatus(NodeRecord node, Instant lastHeartbeat, Duration age, boolean alive) {

    /** As the API's {@link ClusterNode}. */
    public ClusterNode toClusterNode() {
        return new ClusterNode(node.id(), node.address(), node.ports(), node.role(), node.group(), node.version(),
                node.started(), node.cpu(), node.memoryUsed(), node.memoryMax(), node.streams(), node.viewers(),
                lastHeartbeat, age, alive);
    }
}
