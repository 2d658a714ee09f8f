package io.aqueduct.cluster.mongo.internal;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a node reports about itself with every heartbeat.
 *
 * @param id the node's id, unique in the cluster
 * @param address the private address other nodes reach it on (relay, health checks)
 * @param ports its listening ports by name ({@code rtmp}, {@code http}, {@code relay})
 * @param role {@code origin}, {@code edge} or {@code lb}
 * @param group the node group it belongs to (the balancer targets groups)
 * @param version the Aqueduct version it runs
 * @param started when the node started, in its own clock (informational only: never compared across nodes)
 * @param cpu the machine's CPU load, 0 to 1
 * @param memoryUsed heap bytes in use
 * @param memoryMax heap bytes at most
 * @param streams live streams it holds
 * @param viewers viewers it serves
 */
public record NodeRecord(String id, String address, Map<String, Integer> ports, String role, String group,
        String version, Instant started, double cpu, long memoryUsed, long memoryMax, int streams, int viewers) {

    public NodeRecord {
        requireText(id, "id");
        requireText(address, "address");
        ports = Map.copyOf(Objects.requireNonNull(ports, "ports"));
        requireText(role, "role");
        group = group == null ? "" : group;
        version = version == null ? "" : version;
        Objects.requireNonNull(started, "started");
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("node " + name + " is required, got '" + value + "'");
        }
    }
}
