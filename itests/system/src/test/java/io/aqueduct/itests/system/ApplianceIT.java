package io.aqueduct.itests.system;

import static io.aqueduct.itests.system.Appliance.await;
import static io.aqueduct.itests.system.Appliance.jsonField;
import static io.aqueduct.itests.system.Appliance.jsonFieldOrNull;
import static io.aqueduct.itests.system.Appliance.unchecked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The built appliance as an operator runs it: {@code bin/aqueduct start}, {@code /health}, the Web Console's
 * password, configuration files applied live (good and bad values), the {@code mode} and {@code password}
 * commands, and {@code stop}. One node for the whole class; the tests run in order and each leaves the node
 * serving with a good configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ApplianceIT {
    private static final Duration APPLY = Duration.ofSeconds(15);
    private static final String NODE_CFG = "io.aqueduct.node.cfg";
    private static final String HTTP_CFG = "io.aqueduct.http.cfg";

    private Appliance node;
    private int port;
    private String generatedPassword;
    private String startOutput;

    @BeforeAll
    void start() throws Exception {
        port = Appliance.freePort();
        node = Appliance.copyDistribution(port);
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        startOutput = r.output();
        assertEquals(0, r.exitCode(), "bin/aqueduct start: " + r.output() + "\nlog:\n" + node.logText());
        Matcher m = Pattern.compile("(?m)^\\s*password:\\s+(\\S+)\\s*$").matcher(r.output());
        assertTrue(m.find(), "the first start prints the generated password: " + r.output());
        generatedPassword = m.group(1);
    }

    @AfterAll
    void stopAlways() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void startPrintsTheStartedLineAndHealthAnswers() throws Exception {
        assertTrue(startOutput.contains("Aqueduct started in "), startOutput);
        HttpResponse<String> health = awaitHealth(port, "UP");
        assertEquals(200, health.statusCode());
        assertEquals("no-store", health.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(health.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String json = health.body();
        assertTrue(jsonField(json, "nodeId").matches("\\S+"), json);
        assertEquals("standalone", jsonField(json, "mode"), json);
        assertEquals("standalone", jsonField(json, "role"), json);
        assertTrue(Long.parseLong(jsonField(json, "uptimeSeconds")) >= 0, json);
        for (String bundle : new String[] {"io.aqueduct.api", "io.aqueduct.core", "io.aqueduct.rest"}) {
            assertTrue(Pattern.compile("\\{\"name\":\"" + Pattern.quote(bundle) + "\",\"version\":\"[^\"]+\",\"state\":\"ACTIVE\"}")
                            .matcher(json).find(), bundle + " ACTIVE in " + json);
        }
        // the node id is kept in data/node.id
        assertEquals(jsonField(json, "nodeId"), Files.readString(node.home().resolve("data/node.id")).trim());
        // FFmpeg's natives load inside the framework (extracted to data/javacpp) and say what they can do
        ClusterProbe.Health[] ffmpeg = {null};
        await(Duration.ofSeconds(30), "the ffmpeg check says what FFmpeg can do", () -> {
            ffmpeg[0] = unchecked(() -> new ClusterProbe(node, port).health());
            return ffmpeg[0].check("ffmpeg").map(c -> !c.message().startsWith("loading")).orElse(false);
        });
        String check = ffmpeg[0].describe("ffmpeg");
        System.out.println("ffmpeg check: " + check);
        assertTrue(check.startsWith("UP: FFmpeg 8.1.2; H.264 encoders libx264, libopenh264; GPU: "), check);
        assertTrue(Files.isDirectory(node.home().resolve("data/javacpp")), "natives extracted to data/javacpp");
    }

    @Test
    @Order(2)
    void webConsoleAcceptsOnlyTheGeneratedPassword() throws Exception {
        assertEquals(401, node.get(port, "/system/console/bundles").statusCode());
        assertEquals(401, node.get(port, "/system/console/bundles", "admin", "admin").statusCode(),
                "the well-known default must never work");
        assertEquals(200, node.get(port, "/system/console/bundles", "admin", generatedPassword).statusCode());
        String stored = Files.readString(node.config("org.apache.felix.webconsole.internal.servlet.OsgiManager.cfg"));
        assertFalse(stored.contains(generatedPassword), "only a hash is stored");
        assertTrue(stored.contains("{sha-256}"), stored);
    }

    @Test
    @Order(3)
    void editedNodeConfigurationAppliesWithoutRestart() throws Exception {
        node.setConfig(NODE_CFG, "node.group", "east");
        await(APPLY, "/health shows group east", () -> unchecked(() ->
                "east".equals(jsonFieldOrNull(node.get(port, "/health").body(), "group"))));
    }

    @Test
    @Order(4)
    void badValuesAreRejectedLoggedAndReportedWhileTheNodeKeepsServing() throws Exception {
        node.setConfig(HTTP_CFG, "port", "abc");
        node.setConfig(NODE_CFG, "mode", "bogus");

        await(APPLY, "both rejections in the log", () -> unchecked(() -> {
            String log = node.logText();
            return log.lines().anyMatch(l -> l.contains("ERROR") && l.contains("port = 'abc'"))
                    && log.lines().anyMatch(l -> l.contains("ERROR") && l.contains("mode = 'bogus'"));
        }));
        await(APPLY, "/health DEGRADED naming both", () -> unchecked(() -> {
            HttpResponse<String> r = node.get(port, "/health");
            return r.statusCode() == 200 && "DEGRADED".equals(jsonFieldOrNull(r.body(), "status"))
                    && r.body().contains("port = 'abc'") && r.body().contains("mode = 'bogus'");
        }));
        // still on the previous port and mode
        String json = node.get(port, "/health").body();
        assertEquals("standalone", jsonField(json, "mode"), json);

        node.setConfig(HTTP_CFG, "port", Integer.toString(port));
        node.setConfig(NODE_CFG, "mode", "standalone");
        awaitHealth(port, "UP");
    }

    @Test
    @Order(5)
    void changedHttpPortMovesTheListenerLive() throws Exception {
        int newPort = Appliance.freePort();
        node.setConfig(HTTP_CFG, "port", Integer.toString(newPort));
        awaitHealth(newPort, "UP");
        await(APPLY, "the old port is released", () -> Appliance.portIsFree(port));
        port = newPort;
    }

    @Test
    @Order(6)
    void passwordCommandChangesTheConsolePasswordLive() throws Exception {
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(30), "password", "s3cret-Pass");
        assertEquals(0, r.exitCode(), r.output());
        await(APPLY, "the console accepts the new password", () -> unchecked(() ->
                node.get(port, "/system/console/bundles", "admin", "s3cret-Pass").statusCode() == 200));
        assertEquals(401, node.get(port, "/system/console/bundles", "admin", generatedPassword).statusCode());
        assertEquals(401, node.get(port, "/system/console/bundles", "admin", "admin").statusCode());
    }

    @Test
    @Order(7)
    void aWebConsoleEditIsWrittenToItsFileAndSoSurvivesARestart() throws Exception {
        HttpResponse<String> r = node.postForm(port, "/system/console/configMgr/io.aqueduct.node", "admin",
                "s3cret-Pass", "apply=true&action=ajaxConfigManager&propertylist=mode,node.group"
                        + "&mode=standalone&node.group=west");
        assertTrue(r.statusCode() < 400, "the console took the edit: " + r.statusCode());
        await(APPLY, "/health shows group west", () -> unchecked(() ->
                "west".equals(jsonFieldOrNull(node.get(port, "/health").body(), "group"))));
        await(APPLY, "config/io.aqueduct.node.cfg has the edit", () -> unchecked(() ->
                Files.readString(node.config(NODE_CFG)).lines().anyMatch(l -> l.matches("node\\.group\\s*=\\s*west"))));
    }

    @Test
    @Order(8)
    void modeCommandRejectsGarbageAndChangesNothing() throws Exception {
        String before = Files.readString(node.config(NODE_CFG));

        Appliance.Result bogus = node.aqueduct(Duration.ofSeconds(30), "mode", "bogus");
        assertEquals(2, bogus.exitCode(), bogus.output());
        assertTrue(bogus.output().contains("unknown mode 'bogus'"), bogus.output());

        Appliance.Result noMongo = node.aqueduct(Duration.ofSeconds(30), "mode", "cluster");
        assertEquals(2, noMongo.exitCode(), noMongo.output());
        assertTrue(noMongo.output().contains("MongoDB"), noMongo.output());

        Appliance.Result badRole = node.aqueduct(Duration.ofSeconds(30), "mode", "cluster", "10.0.0.5", "--role", "boss");
        assertEquals(2, badRole.exitCode(), badRole.output());
        assertTrue(badRole.output().contains("unknown role 'boss'"), badRole.output());

        Appliance.Result newline = node.aqueduct(Duration.ofSeconds(30), "mode", "cluster", "10.0.0.5\nmode = standalone");
        assertEquals(2, newline.exitCode(), newline.output());

        Appliance.Result unknown = node.aqueduct(Duration.ofSeconds(30), "frobnicate");
        assertEquals(2, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("usage"), unknown.output());

        assertEquals(before, Files.readString(node.config(NODE_CFG)));
    }

    @Test
    @Order(9)
    void stopEndsTheProcessCleanly() throws Exception {
        ProcessHandle process = node.process().orElseThrow(() -> new AssertionError("the node is not running"));
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(45), "stop");
        assertEquals(0, r.exitCode(), r.output());
        await(Duration.ofSeconds(10), "the process is gone", () -> !process.isAlive());
        assertTrue(Appliance.portIsFree(port), "the HTTP port is released");
        Appliance.Result status = node.aqueduct(Duration.ofSeconds(30), "status");
        assertEquals(3, status.exitCode(), status.output());
        assertTrue(status.output().contains("not running"), status.output());
        assertTrue(node.logText().contains("Aqueduct stopped cleanly"), node.logText());
        assertFalse(Files.exists(node.home().resolve("data/aqueduct.pid")));
    }

    /** Polls /health on the port until it answers with the status. */
    private HttpResponse<String> awaitHealth(int onPort, String status) throws InterruptedException {
        @SuppressWarnings("unchecked")
        HttpResponse<String>[] last = new HttpResponse[1];
        await(APPLY, "/health on port " + onPort + " says " + status, () -> {
            Optional<HttpResponse<String>> r = unchecked(() -> node.tryGet(onPort, "/health"));
            r.ifPresent(x -> last[0] = x);
            return r.isPresent() && status.equals(jsonFieldOrNull(r.get().body(), "status"));
        });
        return last[0];
    }
}
