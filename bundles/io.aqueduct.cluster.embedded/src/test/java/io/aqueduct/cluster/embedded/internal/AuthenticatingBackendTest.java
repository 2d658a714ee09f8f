package io.aqueduct.cluster.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded registry with a user, against the real MongoDB driver's SCRAM-SHA-1. */
class AuthenticatingBackendTest {
    private static final String PASSWORD = "p@ss w:rd/é";

    @TempDir
    Path dir;

    private EmbeddedRegistry registry;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = Ports.free();
        registry = EmbeddedRegistry.start("127.0.0.1", port, dir.resolve("registry.mv.db"), "aqadmin", PASSWORD);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private String uri(String user, String password) {
        return "mongodb://" + user + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20")
                + "@127.0.0.1:" + port + "/";
    }

    @Test
    void theUserWithItsPasswordReadsAndWrites() {
        try (MongoClient client = Clients.connect(uri("aqadmin", PASSWORD))) {
            var nodes = client.getDatabase("aqueduct").getCollection("nodes");
            nodes.insertOne(new Document("_id", "node-a").append("role", "origin"));
            assertThat(nodes.find().first()).containsEntry("role", "origin");
        }
    }

    @Test
    void aWrongPasswordOrUserIsRefused() {
        for (String uri : new String[] {uri("aqadmin", "wrong"), uri("someone", PASSWORD)}) {
            try (MongoClient client = Clients.connect(uri)) {
                assertThatThrownBy(() -> client.getDatabase("aqueduct").getCollection("nodes").find().first())
                        .as(uri).isInstanceOf(MongoSecurityException.class)
                        .hasStackTraceContaining("Authentication failed");
            }
        }
    }

    @Test
    void withoutCredentialsNothingButTheHandshakeRuns() {
        try (MongoClient client = Clients.connect(port)) {
            assertThat(client.getDatabase("admin").runCommand(new Document("ping", 1))).containsEntry("ok", 1.0);
            assertThatThrownBy(() -> client.getDatabase("aqueduct").getCollection("nodes").find().first())
                    .isInstanceOf(MongoCommandException.class)
                    .satisfies(e -> assertThat(((MongoCommandException) e).getErrorCode()).isEqualTo(13));
            assertThatThrownBy(() -> client.getDatabase("aqueduct").getCollection("nodes")
                    .insertOne(new Document("_id", "x"))).hasMessageContaining("requires authentication");
        }
    }
}
