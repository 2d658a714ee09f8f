package io.aqueduct.cluster.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded registry against the real MongoDB driver, the way the cluster registry uses it. */
class EmbeddedRegistryTest {
    @TempDir
    Path dir;

    private EmbeddedRegistry registry;
    private MongoClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private MongoCollection<Document> collection(String name) throws Exception {
        if (registry == null) {
            registry = EmbeddedRegistry.start("127.0.0.1", Ports.free(), dir.resolve("registry.mv.db"));
        }
        if (client == null) {
            client = Clients.connect(registry.connectionString());
        }
        return client.getDatabase("aqueduct").getCollection(name);
    }

    @Test
    void insertsFindsAndUpdatesWithUpsert() throws Exception {
        MongoCollection<Document> nodes = collection("nodes");
        nodes.insertOne(new Document("_id", "node-a").append("role", "origin").append("streams", 0));

        assertThat(nodes.find(Filters.eq("role", "origin")).first()).containsEntry("_id", "node-a");

        nodes.updateOne(Filters.eq("_id", "node-b"), Updates.set("role", "edge"), new UpdateOptions().upsert(true));
        nodes.updateOne(Filters.eq("_id", "node-a"), Updates.inc("streams", 2), new UpdateOptions().upsert(true));

        assertThat(nodes.countDocuments()).isEqualTo(2);
        assertThat(nodes.find(Filters.eq("_id", "node-b")).first()).containsEntry("role", "edge");
        assertThat(nodes.find(Filters.eq("_id", "node-a")).first()).containsEntry("streams", 2);
    }

    @Test
    void findOneAndUpdateUpsertsAndReturnsTheNewDocument() throws Exception {
        MongoCollection<Document> streams = collection("streams");
        FindOneAndUpdateOptions upsertAfter = new FindOneAndUpdateOptions().upsert(true)
                .returnDocument(ReturnDocument.AFTER);

        Document created = streams.findOneAndUpdate(Filters.eq("_id", "live/cam1"),
                Updates.combine(Updates.setOnInsert("origin", "node-a"), Updates.set("status", "live")), upsertAfter);
        assertThat(created).containsEntry("origin", "node-a").containsEntry("status", "live");

        // a second origin claiming the same stream sees the first one's claim ($setOnInsert does nothing)
        Document claimed = streams.findOneAndUpdate(Filters.eq("_id", "live/cam1"),
                Updates.setOnInsert("origin", "node-b"), upsertAfter);
        assertThat(claimed).containsEntry("origin", "node-a");

        Document before = streams.findOneAndUpdate(Filters.eq("_id", "live/cam1"), Updates.set("status", "ended"));
        assertThat(before).containsEntry("status", "live");
    }

    @Test
    void aUniqueIndexRefusesADuplicate() throws Exception {
        MongoCollection<Document> streams = collection("streams");
        streams.createIndex(Indexes.ascending("key"), new IndexOptions().unique(true));
        streams.insertOne(new Document("key", "live/cam1").append("origin", "node-a"));

        assertThatThrownBy(() -> streams.insertOne(new Document("key", "live/cam1").append("origin", "node-b")))
                .isInstanceOf(MongoWriteException.class)
                .satisfies(e -> assertThat(((MongoWriteException) e).getError().getCategory())
                        .isEqualTo(ErrorCategory.DUPLICATE_KEY));
        assertThat(streams.countDocuments()).isEqualTo(1);
    }

    @Test
    void currentDateSetsTheServerTime() throws Exception {
        MongoCollection<Document> nodes = collection("nodes");
        Instant before = Instant.now();

        nodes.updateOne(Filters.eq("_id", "node-a"),
                Updates.combine(Updates.currentDate("heartbeat"), Updates.currentTimestamp("heartbeatTs")),
                new UpdateOptions().upsert(true));

        Document node = nodes.find(Filters.eq("_id", "node-a")).first();
        assertThat(node.get("heartbeat")).isInstanceOf(Date.class);
        Instant heartbeat = node.getDate("heartbeat").toInstant();
        assertThat(heartbeat).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
        assertThat(node.get("heartbeatTs")).isInstanceOf(BsonTimestamp.class);

        // and a later heartbeat moves it forward; queries on it work ("alive since")
        nodes.updateOne(Filters.eq("_id", "node-a"), Updates.currentDate("heartbeat"));
        Date later = nodes.find(Filters.eq("_id", "node-a")).first().getDate("heartbeat");
        assertThat(later).isAfterOrEqualTo(node.getDate("heartbeat"));
        assertThat(nodes.countDocuments(Filters.gte("heartbeat", Date.from(before.minus(Duration.ofSeconds(10))))))
                .isEqualTo(1);
    }

    @Test
    void dataSurvivesARestartOnTheSamePath() throws Exception {
        Path path = dir.resolve("sub/dir/registry.mv.db"); // directories are created
        int port = Ports.free();
        try (EmbeddedRegistry first = EmbeddedRegistry.start("127.0.0.1", port, path);
                MongoClient c = Clients.connect(first.connectionString())) {
            MongoCollection<Document> nodes = c.getDatabase("aqueduct").getCollection("nodes");
            nodes.createIndex(Indexes.ascending("address"), new IndexOptions().unique(true));
            nodes.insertOne(new Document("_id", "node-a").append("address", "10.0.0.5"));
        }
        assertThat(path).exists();

        try (EmbeddedRegistry second = EmbeddedRegistry.start("127.0.0.1", Ports.free(), path);
                MongoClient c = Clients.connect(second.connectionString())) {
            MongoCollection<Document> nodes = c.getDatabase("aqueduct").getCollection("nodes");
            assertThat(nodes.find(Filters.eq("_id", "node-a")).first()).containsEntry("address", "10.0.0.5");
            // the unique index came back too
            assertThatThrownBy(() -> nodes.insertOne(new Document("_id", "node-b").append("address", "10.0.0.5")))
                    .isInstanceOf(MongoWriteException.class);
        }
    }

    @Test
    void aTakenPortIsAClearErrorAndLeavesTheFileFree() throws Exception {
        Path path = dir.resolve("registry.mv.db");
        try (ServerSocket other = Ports.taken()) {
            int port = other.getLocalPort();
            assertThatThrownBy(() -> EmbeddedRegistry.start("127.0.0.1", port, path))
                    .isInstanceOfSatisfying(EmbeddedRegistry.StartException.class,
                            e -> assertThat(e.part()).isEqualTo(EmbeddedRegistry.StartException.Part.ADDRESS))
                    .hasMessageContaining("cannot listen on 127.0.0.1 port " + port)
                    .hasMessageContaining("in use");
        }
        // nothing was left holding the data file
        registry = EmbeddedRegistry.start("127.0.0.1", Ports.free(), path);
        assertThat(registry.path()).isEqualTo(path.toAbsolutePath());
    }

    @Test
    void aDataFileInUseIsAClearError() throws Exception {
        Path path = dir.resolve("registry.mv.db");
        registry = EmbeddedRegistry.start("127.0.0.1", Ports.free(), path);

        assertThatThrownBy(() -> EmbeddedRegistry.start("127.0.0.1", Ports.free(), path))
                .isInstanceOfSatisfying(EmbeddedRegistry.StartException.class,
                        e -> assertThat(e.part()).isEqualTo(EmbeddedRegistry.StartException.Part.DATA_FILE))
                .hasMessageContaining("cannot open the registry data file " + path);
    }

    @Test
    void aFileThatIsNotARegistryIsAClearError() throws Exception {
        Path path = Files.writeString(dir.resolve("notes.txt"), "not an MVStore file\n".repeat(300));

        assertThatThrownBy(() -> EmbeddedRegistry.start("127.0.0.1", Ports.free(), path))
                .isInstanceOfSatisfying(EmbeddedRegistry.StartException.class,
                        e -> assertThat(e.part()).isEqualTo(EmbeddedRegistry.StartException.Part.DATA_FILE))
                .hasMessageContaining(path.toString());
    }

    @Test
    void theConnectionStringNamesTheBoundAddress() throws Exception {
        int port = Ports.free();
        registry = EmbeddedRegistry.start("127.0.0.1", port, dir.resolve("r.mv.db"));
        assertThat(registry.connectionString()).isEqualTo("mongodb://127.0.0.1:" + port);
        assertThat(registry.address().getPort()).isEqualTo(port);
    }
}
