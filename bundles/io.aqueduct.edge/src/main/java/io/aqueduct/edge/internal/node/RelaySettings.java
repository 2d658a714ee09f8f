package io.aqueduct.edge.internal.node;

import io.aqueduct.api.config.Settings;
import java.util.Map;

/**
 * The validated content of configuration PID {@value #PID}, shared by origins (where they listen for edges) and
 * edges (the port they pull from when an origin's node document names none).
 *
 * @param host the origin's relay address; empty means the node's private address ({@code node.address})
 * @param failoverGraceMillis how long an edge holds a relayed stream whose origin was lost (its players stay
 *     connected) while it looks for the stream on the origins
 * @param pullIdleMillis how long an edge keeps pulling a stream nobody watches
 */
record RelaySettings(String host, int port, long failoverGraceMillis, long pullIdleMillis) {
    static final String PID = "io.aqueduct.relay";
    static final int DEFAULT_PORT = 5000;
    static final long DEFAULT_FAILOVER_GRACE_MILLIS = 30_000;
    static final long DEFAULT_PULL_IDLE_MILLIS = 30_000;
    static final RelaySettings DEFAULTS = new RelaySettings("", DEFAULT_PORT, DEFAULT_FAILOVER_GRACE_MILLIS,
            DEFAULT_PULL_IDLE_MILLIS);

    /** @throws io.aqueduct.api.config.InvalidSettingException naming the bad key and value */
    static RelaySettings parse(Map<String, ?> properties) {
        Settings s = Settings.of(PID, properties);
        String host = s.string("host", "");
        return new RelaySettings(host.isEmpty() ? "" : s.host("host", ""), s.port("port", DEFAULT_PORT),
                s.duration("failover.grace.ms", DEFAULT_FAILOVER_GRACE_MILLIS, 0, 600_000),
                s.duration("pull.idle.ms", DEFAULT_PULL_IDLE_MILLIS, 1_000, 86_400_000));
    }

    /** Where to listen: the configured host, else the node's private address. */
    String listenHost(String nodeAddress) {
        return host.isEmpty() ? nodeAddress : host;
    }
}
