package io.aqueduct.api.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * A registered live stream and its origin.
 *
 * @param key the stream key, {@code app/name}
 * @param originNode the id of the origin node
 * @param originAddress the origin's private address
 * @param claimed when the origin registered the stream (registry server time)
 * @param originAlive whether the origin's heartbeat is recent
 */
public record ClusterStream(String key, String originNode, String originAddress, Instant claimed,
        boolean originAlive) {

    public ClusterStream {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(originNode, "originNode");
    }
}
