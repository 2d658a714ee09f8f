package io.aqueduct.api.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One node as the registry last heard from it.
 *
 * @param id the node's id, unique in the cluster
 * @param address the private address other nodes reach it on
 * @param ports its listening ports by name ({@code http}, {@code rtmp}, ...)
 * @param role {@code origin}, {@code edge} or {@code lb}
 * @param group the node group (for example a region); empty when not set
 * @param version the Aqueduct version it runs
 * @param started when it started, by its own clock
 * @param cpu the machine's CPU load, 0 to 1; negative when unknown
 * @param memoryUsed heap bytes in use
 * @param memoryMax heap bytes at most
 * @param streams live streams it holds
 * @param viewers viewers of its streams over every playback protocol (RTMP players, HLS clients)
 * @param lastHeartbeat the registry server's time of its latest heartbeat
 * @param heartbeatAge how long ago that was, by the registry server's clock
 * @param alive whether the heartbeat is recent enough
 */
public record ClusterNode(String id, String address, Map<String, Integer> ports, String role, String group,
        String version, Instant started, double cpu, long memoryUsed, long memoryMax, int streams, int viewers,
        Instant lastHeartbeat, Duration heartbeatAge, boolean alive) {

    public ClusterNode {
        Objects.requireNonNull(id, "id");
        ports = Map.copyOf(ports);
    }
}
