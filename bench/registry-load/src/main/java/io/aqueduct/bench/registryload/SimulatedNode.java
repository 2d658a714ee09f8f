package io.aqueduct.bench.registryload;

import io.aqueduct.cluster.mongo.internal.ClusterRegistry;
import io.aqueduct.cluster.mongo.internal.NodeRecord;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One simulated node: its registry handle, what it reports, and what its heartbeats looked like. Only the task
 * running this node's heartbeat touches the mutable fields (a node's heartbeats never overlap: each schedules the
 * next when it ends), and they are read after the heartbeat pool has terminated.
 */
final class SimulatedNode {
    private static final Map<String, Integer> PORTS = Map.of("rtmp", 1935, "http", 5080, "relay", 5000);

    final String id;
    final String address;
    final ClusterRegistry registry;
    private final Instant started = Instant.now();

    /** When the next heartbeat is due, {@link System#nanoTime()}. */
    long due;
    /** Server time of the latest heartbeat of the load phase, null before the first one. */
    Instant lastServerTime;
    /** {@link System#nanoTime()} when the latest heartbeat returned. */
    long lastReturnNanos;
    /** Largest difference between the server times of two consecutive heartbeats, ms. */
    long maxGapMillis;
    /** Heartbeats dropped because they were more than a whole period overdue. */
    int missed;
    int failed;

    SimulatedNode(int index, ClusterRegistry registry) {
        this.id = registry.nodeId();
        this.address = "10.0." + (index / 250) + "." + (index % 250 + 1);
        this.registry = registry;
    }

    static String id(int index) {
        return String.format("node-%04d", index);
    }

    /** What a node sends every period: the same fields as a real node, with changing load figures. */
    NodeRecord record() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new NodeRecord(id, address, PORTS, "origin", "origins", "0.1.0-SNAPSHOT", started,
                r.nextDouble(), 100_000_000L + r.nextInt(50_000_000), 1_000_000_000L, 100, r.nextInt(500));
    }
}
