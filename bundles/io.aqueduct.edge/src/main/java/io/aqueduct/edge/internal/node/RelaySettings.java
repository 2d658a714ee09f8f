package io.aqueduct.edge.internal.node;

import io.aqueduct.api.config.Settings;
import java.util.Map;

/**
 * The validated content of configuration PID {@value #PID}, shared by origins (where they listen for edges) and
 * edges (the port they pull from when an origin's node document names none).
 *
 * @param host the origin's relay address; empty means the node's private address ({@code node.address})
 */
record RelaySettings(String host, int port) {
    static final String PID = "io.aqueduct.relay";
    static final int DEFAULT_PORT = 5000;
    static final RelaySettings DEFAULTS = new RelaySettings("", DEFAULT_PORT);

    /** @throws io.aqueduct.api.config.InvalidSettingException naming the bad key and value */
    static RelaySettings parse(Map<String, ?> properties) {
        Settings s = Settings.of(PID, properties);
        String host = s.string("host", "");
        return new RelaySettings(host.isEmpty() ? "" : s.host("host", ""), s.port("port", DEFAULT_PORT));
    }

    /** Where to listen: the configured host, else the node's private address. */
    String listenHost(String nodeAddress) {
        return host.isEmpty() ? nodeAddress : host;
    }
}
