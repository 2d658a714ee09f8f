package io.aqueduct.itests.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/aqueduct registry}: the embedded cluster registry as a process of its own, used by the real MongoDB
 * driver; its data outlives the process.
 */
class RegistryProcessIT {
    @TempDir
    Path dir;

    private static Process registry(Appliance home, int port, Path data, Path log) throws Exception {
        return new ProcessBuilder(home.home().resolve("bin/aqueduct").toString(), "registry", "--port",
                Integer.toString(port), "--path", data.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void theRegistryProcessServesTheDriverAndKeepsItsDataAcrossRestarts() throws Exception {
        int port = Appliance.freePort();
        Path data = dir.resolve("registry.mv.db");
        Path log = dir.resolve("registry.log");
        try (Appliance home = Appliance.copyDistribution(Appliance.freePort())) {
            Process first = registry(home, port, data, log);
            Appliance.await(Duration.ofSeconds(30), "the registry serves",
                    () -> Appliance.unchecked(() -> Files.readString(log)).contains("serving MongoDB wire protocol"));
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port)) {
                MongoCollection<Document> nodes = client.getDatabase("aqueduct").getCollection("nodes");
                nodes.updateOne(Filters.eq("_id", "node-1"), Updates.combine(Updates.set("role", "origin"),
                        Updates.currentDate("lastHeartbeat")), new UpdateOptions().upsert(true));
                assertThat(nodes.find(Filters.eq("_id", "node-1")).first().get("lastHeartbeat"))
                        .isInstanceOf(Date.class);
            }
            first.destroy(); // SIGTERM: the data file is closed on the way out
            assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();

            // a second registry on the same port while one runs is refused with a clear message
            Process second = registry(home, port, data, log);
            Appliance.await(Duration.ofSeconds(30), "the registry serves again",
                    () -> Appliance.unchecked(() -> Files.readString(log)).contains("serving MongoDB wire protocol"));
            Path clashLog = dir.resolve("clash.log");
            Process clash = registry(home, port, dir.resolve("other.mv.db"), clashLog);
            assertThat(clash.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(clash.exitValue()).isEqualTo(1);
            assertThat(Files.readString(clashLog, StandardCharsets.UTF_8)).contains("registry: ", String.valueOf(port));
            try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + port)) {
                Document node = client.getDatabase("aqueduct").getCollection("nodes")
                        .find(Filters.eq("_id", "node-1")).first();
                assertThat(node).isNotNull();
                assertThat(node.getString("role")).isEqualTo("origin");
            } finally {
                second.destroy();
                second.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
