package io.aqueduct.cluster.mongo.internal;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.aqueduct.cluster.mongo.MongoTarget;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * An open client to one registry, for one node id, with the settings it was opened with; a change of any of them
 * opens a new one ({@link RegistryConnection}). Reconnecting after an outage is the driver's, at the pace of the
 * heartbeat's tries ({@link RegistryOutage}'s backoff).
 *
 * @param registry this node's view of the registry (it knows the node's id)
 */
record RegistryClient(MongoTarget target, MongoClient client, ClusterRegistry registry,
        RegistrySettings settings) {

    /**
     * Opens a client (the driver connects in the background: nothing is sent yet).
     *
     * @param nanoClock the monotonic clock the registry ages the server's time with
     */
    static RegistryClient open(MongoTarget target, RegistrySettings settings, String nodeId,
            LongSupplier nanoClock) {
        MongoClient client = MongoClients.create(clientSettings(target, settings));
        ClusterRegistry registry = new ClusterRegistry(client.getDatabase(settings.databaseFor(target)), nodeId,
                nanoClock);
        return new RegistryClient(target, client, registry, settings);
    }

    /** Whether this connection is what the given target, settings and node id ask for. */
    boolean isFor(MongoTarget wantedTarget, RegistrySettings wantedSettings, String nodeId) {
        return isSameEntry(wantedTarget, nodeId) && settings.equals(wantedSettings);
    }

    /** Whether this connection writes the same node document in the same registry. */
    boolean isSameEntry(MongoTarget otherTarget, String nodeId) {
        return target.equals(otherTarget) && registry.nodeId().equals(nodeId);
    }

    /** One sentence on what went wrong with a call through this connection (the password redacted). */
    String describe(RuntimeException e) {
        return RegistryErrors.describe(e, target);
    }

    void close() {
        client.close();
    }

    /** How long a registry call may wait for an answer on an open socket (a registry that hangs, not refuses). */
    static long readTimeoutMillis(RegistrySettings settings) {
        return Math.max(settings.timeout().toMillis() * 2, 5000);
    }

    private static MongoClientSettings clientSettings(MongoTarget target, RegistrySettings settings) {
        ConnectionString cs = target.connectionString();
        int timeout = (int) settings.timeout().toMillis();
        return MongoClientSettings.builder()
                .applyConnectionString(cs)
                .applicationName("aqueduct")
                .applyToClusterSettings(b -> {
                    if (cs.getServerSelectionTimeout() == null) {
                        b.serverSelectionTimeout(timeout, TimeUnit.MILLISECONDS);
                    }
                })
                .applyToSocketSettings(b -> {
                    if (cs.getConnectTimeout() == null) {
                        b.connectTimeout(timeout, TimeUnit.MILLISECONDS);
                    }
                    if (cs.getSocketTimeout() == null) {
                        // a registry that hangs (not refuses) must not hold the worker forever
                        b.readTimeout((int) readTimeoutMillis(settings), TimeUnit.MILLISECONDS);
                    }
                })
                .build();
    }
}
