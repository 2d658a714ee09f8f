package io.aqueduct.cluster.mongo.internal;

import java.time.Instant;

/**
 * The origin of one live stream, as the registry holds it.
 *
 * @param key the stream key, {@code app/name}
 * @param nodeId the origin node's id
 * @param address the address edges pull the stream from (the origin's relay endpoint)
 * @param claimed when this origin claimed the stream, in MongoDB server time (the registry's estimate)
 * @param alive whether the origin node's heartbeat is recent
 */
public record StreamOrigin(String key, String nodeId, String address, Instant claimed, boolean alive) {
}
