package io.aqueduct.cluster.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthCheck.Status;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The component without a framework: settings, health, rebinding, and keeping the previous state. */
class EmbeddedRegistryServerTest {
    @TempDir
    Path home;

    private EmbeddedRegistryServer server;

    @BeforeEach
    void create() {
        server = new EmbeddedRegistryServer(home);
    }

    @AfterEach
    void deactivate() {
        server.deactivate();
    }

    private static Map<String, Object> config(int port) {
        return Map.of("host", "127.0.0.1", "port", String.valueOf(port));
    }

    @Test
    void defaultsAreLoopbackThePortOfMongoDbAndAFileUnderTheHome() {
        EmbeddedRegistryServer.Endpoint e = EmbeddedRegistryServer.Endpoint.parse(Map.of(), home);
        assertThat(e.host()).isEqualTo("127.0.0.1");
        assertThat(e.port()).isEqualTo(27017);
        assertThat(e.path()).isEqualTo(home.resolve("data/registry.mv.db"));
    }

    @Test
    void aRelativePathIsUnderTheHomeAndAnAbsoluteOneIsKept(@TempDir Path elsewhere) {
        assertThat(EmbeddedRegistryServer.Endpoint.parse(Map.of("path", "db/r.mv.db"), home).path())
                .isEqualTo(home.resolve("db/r.mv.db"));
        Path absolute = elsewhere.resolve("r.mv.db");
        assertThat(EmbeddedRegistryServer.Endpoint.parse(Map.of("path", absolute.toString()), home).path())
                .isEqualTo(absolute);
    }

    @Test
    void badSettingsNameTheKeyAndTheValue() throws Exception {
        assertThatThrownBy(() -> EmbeddedRegistryServer.Endpoint.parse(Map.of("port", "70000"), home))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("io.aqueduct.registry.embedded: port = '70000'");
        assertThatThrownBy(() -> EmbeddedRegistryServer.Endpoint.parse(Map.of("host", "my host"), home))
                .hasMessageContaining("host = 'my host'");
        Files.createDirectories(home.resolve("data"));
        assertThatThrownBy(() -> EmbeddedRegistryServer.Endpoint.parse(Map.of("path", "data"), home))
                .hasMessageContaining("path = 'data'").hasMessageContaining("not a directory");
        assertThatThrownBy(() -> EmbeddedRegistryServer.Endpoint.parse(Map.of("path", "bad\0name"), home))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("path = 'bad");
    }

    @Test
    void servesAndSaysWhereWhenUp() {
        int port = Ports.free();
        server.activate(config(port));

        HealthCheck check = server.check();
        assertThat(check.status()).isEqualTo(Status.UP);
        assertThat(check.message()).isEqualTo("serving MongoDB wire protocol on 127.0.0.1:" + port + ", data in "
                + home.resolve("data/registry.mv.db"));
        assertThat(server.name()).isEqualTo("registry");
        try (MongoClient c = Clients.connect(port)) {
            c.getDatabase("aqueduct").getCollection("nodes").insertOne(new Document("_id", "node-a"));
        }
        assertThat(home.resolve("data/registry.mv.db")).exists();
    }

    @Test
    void aRejectedChangeKeepsServingWhereItWas() {
        int port = Ports.free();
        server.activate(config(port));
        EmbeddedRegistry before = server.registry();

        server.modified(Map.of("port", "not-a-port"));

        HealthCheck check = server.check();
        assertThat(check.status()).isEqualTo(Status.DEGRADED);
        assertThat(check.message()).contains("port = 'not-a-port'", "keeping the previous settings",
                "serving MongoDB wire protocol on 127.0.0.1:" + port);
        assertThat(server.registry()).isSameAs(before);

        // correcting it clears the problem without a restart
        server.modified(config(port));
        assertThat(server.check().status()).isEqualTo(Status.UP);
        assertThat(server.registry()).isSameAs(before);
    }

    @Test
    void aNewPortRebindsAndKeepsTheData() {
        int first = Ports.free();
        server.activate(config(first));
        try (MongoClient c = Clients.connect(first)) {
            c.getDatabase("aqueduct").getCollection("nodes").insertOne(new Document("_id", "node-a"));
        }

        int second = Ports.free();
        server.modified(config(second));

        assertThat(server.check().status()).isEqualTo(Status.UP);
        assertThat(server.registry().address().getPort()).isEqualTo(second);
        try (MongoClient c = Clients.connect(second)) {
            assertThat(c.getDatabase("aqueduct").getCollection("nodes").find(Filters.eq("_id", "node-a")).first())
                    .isNotNull();
        }
    }

    @Test
    void aTakenPortOnChangeFallsBackToThePreviousOne() throws Exception {
        int port = Ports.free();
        server.activate(config(port));
        try (ServerSocket other = Ports.taken()) {
            server.modified(config(other.getLocalPort()));

            HealthCheck check = server.check();
            assertThat(check.status()).isEqualTo(Status.DEGRADED);
            assertThat(check.message()).contains("port " + other.getLocalPort(),
                    "config/io.aqueduct.registry.embedded.cfg", "went back to the previous settings",
                    "serving MongoDB wire protocol on 127.0.0.1:" + port);
            assertThat(server.registry().address().getPort()).isEqualTo(port);
        }
    }

    @Test
    void aTakenPortAtStartIsDownAndSaysWhatToDo() throws Exception {
        int port;
        try (ServerSocket other = Ports.taken()) {
            port = other.getLocalPort();
            server.activate(config(port));

            HealthCheck check = server.check();
            assertThat(check.status()).isEqualTo(Status.DOWN);
            assertThat(check.message()).contains("cannot listen on 127.0.0.1 port " + port,
                    "free port " + port + " or set another port", "config/io.aqueduct.registry.embedded.cfg");
        }
        // the same configuration applied again (the port is free now) retries
        server.modified(config(port));
        assertThat(server.check().status()).isEqualTo(Status.UP);
    }

    @Test
    void aRejectedConfigurationAtStartServesTheDefaultsAndSaysSo() {
        // the default port may be busy on a build machine: only the rejection is certain
        server.activate(Map.of("port", "0"));

        HealthCheck check = server.check();
        assertThat(check.status()).isNotEqualTo(Status.UP);
        assertThat(check.message()).contains("port = '0'");
    }

    @Test
    void deactivateClosesTheDataFile() throws Exception {
        server.activate(config(Ports.free()));
        server.deactivate();

        assertThat(server.registry()).isNull();
        assertThat(server.check().status()).isEqualTo(Status.DOWN);
        // the file is free again: another registry opens it
        try (EmbeddedRegistry again = EmbeddedRegistry.start("127.0.0.1", Ports.free(),
                home.resolve("data/registry.mv.db"))) {
            assertThat(again.path()).exists();
        }
    }
}
