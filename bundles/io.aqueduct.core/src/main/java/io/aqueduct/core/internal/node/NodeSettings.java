package io.aqueduct.core.internal.node;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.config.Settings;
import io.aqueduct.api.config.UriPassword;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated content of configuration PID {@value #PID}.
 *
 * @param role the effective role: {@link NodeRole#STANDALONE} in standalone mode, the configured one in a cluster
 * @param nodeId the configured node id, or empty to use the stored one
 */
record NodeSettings(NodeMode mode, NodeRole role, String mongoUri, String address, String group, String nodeId) {
    static final String PID = "io.aqueduct.node";
    static final String DEFAULT_ADDRESS = "127.0.0.1";
    static final NodeSettings DEFAULTS =
            new NodeSettings(NodeMode.STANDALONE, NodeRole.STANDALONE, "", DEFAULT_ADDRESS, "", "");

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Reads and checks every key. @throws InvalidSettingException naming the first bad key and value */
    static NodeSettings parse(Map<String, ?> properties) {
        Settings s = Settings.of(PID, properties);
        NodeMode mode = s.choice("mode", NodeMode.class, NodeMode.STANDALONE);
        NodeRole role = clusterRole(s);
        String mongoUri = s.string("mongo.uri", "");
        if (mongoUri.chars().anyMatch(c -> c <= ' ')) {
            throw new InvalidSettingException(PID, "mongo.uri", UriPassword.mask(mongoUri),
                    "must not contain spaces or control characters");
        }
        if (mode == NodeMode.CLUSTER && mongoUri.isEmpty()) {
            throw new InvalidSettingException(PID, "mongo.uri", "",
                    "cluster mode needs the registry's address, e.g. bin/aqueduct mode cluster 10.0.0.5");
        }
        String address = s.host("node.address", DEFAULT_ADDRESS);
        String group = s.string("node.group", "");
        if (!group.isEmpty() && !NAME.matcher(group).matches()) {
            throw new InvalidSettingException(PID, "node.group", group,
                    "use 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String nodeId = s.string("node.id", "");
        if (!nodeId.isEmpty() && !NAME.matcher(nodeId).matches()) {
            throw new InvalidSettingException(PID, "node.id", nodeId, "use 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return new NodeSettings(mode, mode == NodeMode.STANDALONE ? NodeRole.STANDALONE : role, mongoUri, address,
                group, nodeId);
    }

    /** The {@code role} key; checked in standalone mode too, so a typo shows before the switch to cluster. */
    private static NodeRole clusterRole(Settings s) {
        String value = s.string("role", "origin");
        for (NodeRole r : NodeRole.values()) {
            if (r != NodeRole.STANDALONE && r.configName().equalsIgnoreCase(value)) {
                return r;
            }
        }
        throw new InvalidSettingException(PID, "role", value, "expected one of origin, edge, lb");
    }

    /** Mode and role, the part that decides which bundles run. */
    String describe() {
        return "mode=" + mode.configName() + " role=" + role.configName();
    }

    /** Every setting, for the log; a password in the MongoDB URI is masked. */
    String describeAll() {
        return describe() + " address=" + address + (group.isEmpty() ? "" : " group=" + group)
                + (nodeId.isEmpty() ? "" : " node.id=" + nodeId)
                + (mongoUri.isEmpty() ? "" : " mongo.uri=" + UriPassword.mask(mongoUri));
    }
}
