package io.aqueduct.edge.internal.origin;

import io.aqueduct.api.stream.StreamKey;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * What a {@link RelayServer} is doing and has done.
 *
 * @param connectionsOpen edges connected now (past the HELLO)
 * @param connectionsTotal edges let in since the server was made
 * @param refused connections refused (bad token, wrong version, a frame other than HELLO first, a malformed frame)
 * @param subscriptionsOpen streams relayed now, over all connections
 * @param packetsSent PACKET frames written since the server was made
 * @param payloadBytesSent media payload bytes in them
 * @param connections each open connection, oldest first
 */
public record RelayStatistics(int connectionsOpen, long connectionsTotal, long refused, int subscriptionsOpen,
        long packetsSent, long payloadBytesSent, List<Connection> connections) {

    public RelayStatistics {
        connections = List.copyOf(connections);
    }

    /**
     * One edge's connection.
     *
     * @param edgeId the node id the edge gave in its HELLO
     * @param remote the edge's address
     * @param connected when it was let in
     * @param streams the streams relayed to it now, by stream id
     * @param packetsSent PACKET frames written to it
     * @param payloadBytesSent media payload bytes in them
     * @param droppedPackets packets the hub dropped because this connection fell behind (skips to a keyframe)
     */
    public record Connection(String edgeId, InetSocketAddress remote, Instant connected, List<StreamKey> streams,
            long packetsSent, long payloadBytesSent, long droppedPackets) {

        public Connection {
            streams = List.copyOf(streams);
        }
    }
}
