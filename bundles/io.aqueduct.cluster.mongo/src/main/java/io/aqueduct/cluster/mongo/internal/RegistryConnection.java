package io.aqueduct.cluster.mongo.internal;

import io.aqueduct.cluster.mongo.MongoTarget;

/**
 * Which registry this node uses, or why it uses none: the open client, the settings in force, and what is wrong
 * with the configuration (a bad {@code mongo.uri}, a rejected setting). Changed by {@link ClusterMembership} on the
 * registry thread when the configuration changes; read by any thread.
 */
final class RegistryConnection {
    private volatile RegistryClient client;
    private volatile RegistrySettings settings = RegistrySettings.DEFAULTS;
    private volatile String configProblem;

    /** The open client; null when there is none (no usable configuration, or leaving). */
    RegistryClient client() {
        return client;
    }

    /** The settings in force: the latest accepted ones. */
    RegistrySettings settings() {
        return settings;
    }

    /** What is wrong with the configuration, in words; null when nothing is. */
    String configProblem() {
        return configProblem;
    }

    void configProblem(String problem) {
        configProblem = problem;
    }

    /** Opens a client for {@code target} with {@code wanted} settings; the previous one must be closed. */
    RegistryClient open(MongoTarget target, RegistrySettings wanted, String nodeId, Ticker ticker) {
        settings = wanted;
        client = RegistryClient.open(target, wanted, nodeId, ticker::nanoTime);
        return client;
    }

    /** Closes the client, if any. */
    void close() {
        RegistryClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
    }

    /** The registry's address for messages, or "" without one. */
    String describeTarget() {
        RegistryClient c = client;
        return c == null ? "" : c.target().toString();
    }
}
