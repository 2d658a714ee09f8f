package io.aqueduct.cluster.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.cluster.mongo.internal.ClusterRegistry;
import io.aqueduct.cluster.mongo.internal.NodeStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a cluster registry once, as a tool that is no node of the cluster does ({@code bin/aqueduct lb render}): it
 * opens its own MongoDB client, reads, and closes it. Liveness is judged as the nodes judge it, against the
 * server's clock.
 */
public final class RegistryReader {

    private RegistryReader() {
    }

    /**
     * Every node in the registry, sorted by id, each with its heartbeat's age and whether it is alive.
     *
     * @param database the registry's database (the cluster setting {@code database}, else
     *     {@link MongoTarget#database()})
     * @param deadAfter how old a heartbeat may be for its node to count as alive
     * @param timeout how long to wait for the registry to answer (server selection; connecting takes at most this
     *     too)
     * @throws RegistryUnavailableException the registry cannot be reached or read; the message names the target
     *     without its password
     */
    public static List<ClusterNode> nodes(MongoTarget target, String database, Duration deadAfter, Duration timeout) {
        long ms = timeout.toMillis();
        MongoClientSettings settings = MongoClientSettings.builder().applyConnectionString(target.connectionString())
                .applicationName("aqueduct-tool")
                .applyToClusterSettings(b -> b.serverSelectionTimeout(ms, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout((int) ms, TimeUnit.MILLISECONDS)).build();
        try (MongoClient client = MongoClients.create(settings)) {
            return ClusterRegistry.readNodes(client.getDatabase(database), deadAfter).stream()
                    .map(NodeStatus::toClusterNode).toList();
        } catch (MongoException e) {
            throw new RegistryUnavailableException("cannot read the registry at " + target.redacted() + ": "
                    + target.maskIn(e.getMessage()), e);
        }
    }
}
