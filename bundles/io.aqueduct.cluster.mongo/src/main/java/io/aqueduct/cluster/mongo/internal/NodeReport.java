package io.aqueduct.cluster.mongo.internal;

import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.api.stream.HubStatistics;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.ViewerCount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What this node reports about itself with every heartbeat: address, ports, role, load, streams and viewers. */
final class NodeReport implements Supplier<NodeRecord> {
    /** The origin's relay listener (bundle io.aqueduct.edge) and its default port. */
    static final String RELAY_PID = "io.aqueduct.relay";
    static final int DEFAULT_RELAY_PORT = 5000;

    private final Supplier<NodeIdentity> node;
    private final StreamHub hub;
    private final PeerConfigurations peers;
    private final String version;
    private final int httpPort;
    private final List<ViewerCount> viewerCounts;
    private final NodeLoad load = new NodeLoad();

    /**
     * @param httpPort this node's HTTP port as the launcher set it, or -1
     * @param viewerCounts the playback protocols' counts (a live list: they come and go)
     */
    NodeReport(Supplier<NodeIdentity> node, StreamHub hub, PeerConfigurations peers, String version, int httpPort,
            List<ViewerCount> viewerCounts) {
        this.node = node;
        this.hub = hub;
        this.peers = peers;
        this.version = version;
        this.httpPort = httpPort;
        this.viewerCounts = viewerCounts;
    }

    @Override
    public NodeRecord get() {
        NodeIdentity n = node.get();
        HubStatistics stats = hub.statistics();
        Map<String, Integer> ports = new LinkedHashMap<>();
        putPort(ports, "http", httpPort);
        putPort(ports, "rtmp", peers.port("io.aqueduct.rtmp", 1935));
        if (n.role() == NodeRole.ORIGIN) {
            putPort(ports, "relay", peers.port(RELAY_PID, DEFAULT_RELAY_PORT)); // where edges pull from
        }
        return new NodeRecord(n.nodeId(), n.address(), ports, n.role().configName(), n.group(), version,
                n.started(), load.cpu(), load.memoryUsed(), load.memoryMax(), stats.liveStreams(),
                ViewerCount.total(viewerCounts).values().stream().mapToInt(Integer::intValue).sum());
    }

    private static void putPort(Map<String, Integer> ports, String name, int port) {
        if (port > 0) {
            ports.put(name, port);
        }
    }
}
