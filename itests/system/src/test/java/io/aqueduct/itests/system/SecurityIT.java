package io.aqueduct.itests.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two HTTP faces of one standalone node, driven with curl and headless Chromium as an operator and as anyone on
 * the network would: every operator path asks for the console's admin login or an API token (made and revoked with
 * {@code bin/aqueduct token} while the node runs), public playback and {@code /health} stay open without showing
 * addresses or keys, a console brute force is slowed down and logged once per failure without the password, TRACE is
 * refused, {@code nosniff} is on every answer and CORS only on playback. The generated console password is on the
 * terminal and in an owner-only file, never in the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {
    private static final String STREAM = "live/security";
    private static final List<String> OPERATOR_PATHS = List.of("/rest/v2/cluster/nodes", "/rest/v2/cluster/streams",
            "/rest/v2/hls/streams", "/rest/v2/recordings", "/rest/v2/transcode/streams", "/cluster.html",
            "/cluster/cluster.js");
    /** The throttle's settings for this test: 3 free failures, then 250, 500, 1000, 1000... ms. */
    private static final int FREE_FAILURES = 3;
    private static final long FIRST_DELAY_MS = 250;
    private static final long MAX_DELAY_MS = 1000;
    private static final int GUESSES = 30;
    /**
     * The server's wait counts from its last failure, recorded a moment before curl has read the answer; on a loaded
     * machine that moment was measured at 40 ms. Still far from the 2-25 ms of a guess that is not slowed down.
     */
    private static final long SLACK_MS = 150;

    @TempDir
    static Path dir;

    private Appliance node;
    private int port;
    private String startOutput;
    private Ffmpeg.Run publisher;
    private Browser browser;

    /** One curl run: status, seconds, headers (lower-case names) and body. */
    private record Curl(int status, double seconds, String headers, String body) {
        boolean hasHeader(String name, String valuePart) {
            return Pattern.compile("(?im)^" + Pattern.quote(name) + ":.*" + Pattern.quote(valuePart)).matcher(headers)
                    .find();
        }

        boolean hasHeader(String name) {
            return Pattern.compile("(?im)^" + Pattern.quote(name) + ":").matcher(headers).find();
        }
    }

    @BeforeAll
    void start() throws Exception {
        port = Appliance.freePort();
        node = Appliance.copyDistribution(port);
        node.writeConfig("io.aqueduct.security.cfg", "login.first.delay.ms = " + FIRST_DELAY_MS + "\n"
                + "login.max.delay.ms = " + MAX_DELAY_MS + "\n");
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        startOutput = r.output();
        assertThat(r.exitCode()).as("bin/aqueduct start: %s\nlog:\n%s", r.output(), node.logText()).isZero();
        publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl(STREAM), "320x240", 120, 30);
        Appliance.await(Duration.ofSeconds(20), "the publish is live",
                () -> Appliance.unchecked(node::logText).contains("publishes " + STREAM));
    }

    @AfterAll
    void stop() throws Exception {
        try (Appliance n = node; Browser b = browser) {
            if (publisher != null) {
                publisher.process().destroy();
            }
        }
    }

    @Test
    @Order(1)
    void theGeneratedConsolePasswordIsOnTheTerminalAndInAnOwnerOnlyFileNeverInTheLog() throws Exception {
        Matcher m = Pattern.compile("(?m)^\\s*password:\\s+(\\S+)\\s*$").matcher(startOutput);
        assertThat(m.find()).as("bin/aqueduct start shows the password: %s", startOutput).isTrue();
        String password = m.group(1);
        Path file = node.home().resolve("data/console-password");
        assertThat(node.consolePassword()).isEqualTo(password);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(node.logText()).as("logs/aqueduct.log").doesNotContain(password)
                .contains("password:    in data/console-password");
        assertThat(curl("-u", "admin:" + password, "/system/console/bundles").status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aConsoleBruteForceIsSlowedDownAndEachFailureLoggedOnceWithoutThePassword() throws Exception {
        // one curl process sends the guesses one after the other (--next), so little but the server's wait separates
        // them (no process start between two guesses); each one's time is what the server made it wait
        List<String> args = new ArrayList<>();
        for (int i = 1; i <= GUESSES; i++) {
            if (i > 1) {
                args.add("--next");
            }
            args.addAll(List.of("-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}\\n",
                    "-u", "admin:wrong-guess-" + i, "http://127.0.0.1:" + port + "/system/console/bundles"));
        }
        List<String> answers = run(args).lines().toList();
        assertThat(answers).hasSize(GUESSES);
        List<Long> waitsMs = new ArrayList<>();
        long expectedTotalMs = 0;
        for (int i = 1; i <= GUESSES; i++) {
            String[] f = answers.get(i - 1).split(" ");
            assertThat(f[0]).as("guess %d", i).isEqualTo("401");
            long ms = Math.round(Double.parseDouble(f[1]) * 1000);
            waitsMs.add(ms);
            long expectedMs = expectedWaitMs(i - 1);
            expectedTotalMs += expectedMs;
            assertThat(ms).as("guess %d waits %d ms after %d failures; all (ms): %s", i, expectedMs, i - 1,
                    answers).isGreaterThanOrEqualTo(expectedMs - SLACK_MS);
        }
        long totalMs = waitsMs.stream().mapToLong(Long::longValue).sum();
        long start = System.nanoTime();
        Curl right = curl("-u", "admin:" + node.consolePassword(), "/system/console/bundles");
        long rightMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(right.status()).as("the right password still works, after its wait").isEqualTo(200);
        System.out.printf(Locale.ROOT, "SecurityIT: %d wrong console passwords took %.1f s (at least %.1f s "
                + "expected); each (ms): %s; then the right one %.2f s%n", GUESSES, totalMs / 1000.0,
                expectedTotalMs / 1000.0, waitsMs, rightMs / 1000.0);

        Pattern line = Pattern.compile("(?m)^.*Login failed from 127\\.0\\.0\\.1 on /system/console/bundles \\((\\d+) "
                + "in a row.*$");
        List<String> lines = new ArrayList<>();
        Appliance.await(Duration.ofSeconds(10), GUESSES + " failed logins in the log", () -> {
            lines.clear();
            Matcher m = line.matcher(Appliance.unchecked(node::logText));
            while (m.find()) {
                lines.add(m.group());
            }
            return lines.size() >= GUESSES;
        });
        assertThat(lines).as("one line per failure").hasSize(GUESSES);
        assertThat(lines.get(GUESSES - 1)).contains("(" + GUESSES + " in a row; the next attempt from this address "
                + "waits " + MAX_DELAY_MS + " ms)");
        assertThat(node.logText()).doesNotContain("wrong-guess");
        System.out.println("SecurityIT: the last log line: " + lines.get(GUESSES - 1));
    }

    private static long expectedWaitMs(int failures) {
        int over = failures - FREE_FAILURES;
        return over <= 0 ? 0 : Math.min(FIRST_DELAY_MS << (over - 1), MAX_DELAY_MS);
    }

    @Test
    @Order(3)
    void everyOperatorPathAsksForTheConsoleLoginOrAnApiToken() throws Exception {
        String password = node.consolePassword();
        Appliance.Result created = node.aqueduct(Duration.ofSeconds(30), "token", "create", "security-it");
        Matcher m = Pattern.compile("(?m)^(aqd_\\S+)$").matcher(created.output());
        assertThat(created.exitCode() == 0 && m.find()).as("token create: %s", created.output()).isTrue();
        String token = m.group(1);
        assertThat(node.aqueduct(Duration.ofSeconds(30), "token", "list").output()).contains("security-it")
                .doesNotContain(token);

        for (String path : OPERATOR_PATHS) {
            Curl anonymous = curl(path);
            assertThat(anonymous.status()).as("%s without credentials", path).isEqualTo(401);
            assertThat(anonymous.hasHeader("WWW-Authenticate", "Basic realm=")).as(path).isTrue();
            assertThat(anonymous.hasHeader("WWW-Authenticate", "Bearer")).as(path).isTrue();
            assertThat(anonymous.hasHeader("Content-Type", "application/json")).as(path).isTrue();
            assertThat(anonymous.hasHeader("X-Content-Type-Options", "nosniff")).as(path).isTrue();
            assertThat(anonymous.body()).as(path).startsWith("{\"error\":\"unauthorized\",\"reason\":\"")
                    .doesNotContain("Exception").doesNotContain("127.0.0.1");
            assertThat(curl("-u", "admin:" + password, path).status()).as("%s with the admin login", path)
                    .isEqualTo(200);
            assertThat(curl("-H", "Authorization: Bearer " + token, path).status()).as("%s with the token", path)
                    .isEqualTo(200);
            System.out.printf("SecurityIT: %s: 401 without, 200 with Basic admin, 200 with a token%n", path);
        }
        assertThat(curl("/rest/v2/no-such-thing").status()).as("an unknown REST path asks first").isEqualTo(401);
        assertThat(curl("-H", "Authorization: Bearer " + token, "/rest/v2/no-such-thing").status()).isEqualTo(404);
        Curl delete = curl("-X", "DELETE", "/rest/v2/cluster/nodes/x");
        assertThat(delete.status()).as("DELETE without a login: %s", delete.body()).isEqualTo(401);
        assertThat(curl("-u", "admin:wrong-rest-guess", "/rest/v2/cluster/nodes").status()).isEqualTo(401);

        Appliance.Result revoked = node.aqueduct(Duration.ofSeconds(30), "token", "revoke", "security-it");
        assertThat(revoked.exitCode()).as(revoked.output()).isZero();
        Curl after = curl("-H", "Authorization: Bearer " + token, "/rest/v2/cluster/nodes");
        assertThat(after.status()).as("the revoked token, at the next request").isEqualTo(401);
        assertThat(after.body()).contains("unknown or revoked API token");
        assertThat(node.logText()).contains("Login failed from 127.0.0.1 on /rest/v2/cluster/nodes")
                .doesNotContain("wrong-rest-guess").doesNotContain(token);
    }

    @Test
    @Order(4)
    void publicPlaybackAndHealthStayOpenAndShowNoAddressesKeysOrPaths() throws Exception {
        Curl health = curl("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"name\":\"hls\",\"status\":\"UP\"")
                .doesNotContain("nodeId").doesNotContain("127.0.0.1").doesNotContain(node.home().toString())
                .doesNotContain("\"message\"").doesNotContain(STREAM);
        assertThat(curl("-H", Appliance.operatorAuthorizationHeader(), "/health")
                .body()).as("the operator's full report").contains("\"nodeId\":");
        assertThat(curl("-u", "admin:wrong-health-guess", "/health").status()).isEqualTo(401);

        Curl page = curl("/play.html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.hasHeader("X-Content-Type-Options", "nosniff")).isTrue();

        String playlist = "/" + STREAM + "/index.m3u8";
        Appliance.await(Duration.ofSeconds(20), playlist + " answers",
                () -> Appliance.unchecked(() -> curl(playlist)).status() == 200);
        Curl list = curl("-H", "Origin: https://player.example", playlist);
        assertThat(list.body()).startsWith("#EXTM3U");
        assertThat(list.hasHeader("Access-Control-Allow-Origin", "*")).isTrue();
        assertThat(list.hasHeader("X-Content-Type-Options", "nosniff")).isTrue();
        Curl preflight = curl("-X", "OPTIONS", "-H", "Origin: https://player.example",
                "-H", "Access-Control-Request-Method: GET", playlist);
        assertThat(preflight.status()).isBetween(200, 204);
        assertThat(preflight.hasHeader("Access-Control-Allow-Methods", "GET")).isTrue();

        for (String path : OPERATOR_PATHS) {
            Curl rest = curl("-H", "Origin: https://player.example", "-H", Appliance.operatorAuthorizationHeader(),
                    path);
            assertThat(rest.hasHeader("Access-Control-Allow-Origin")).as("no CORS on %s", path).isFalse();
            assertThat(rest.hasHeader("X-Content-Type-Options", "nosniff")).as(path).isTrue();
        }
        assertThat(curl("-X", "OPTIONS", "-H", "Origin: https://player.example",
                "-H", "Access-Control-Request-Method: DELETE", "/rest/v2/cluster/nodes/x")
                .hasHeader("Access-Control-Allow-Origin")).as("no preflight on the operator surface").isFalse();
    }

    @Test
    @Order(5)
    void traceIsRefusedEverywhere() throws Exception {
        for (String path : List.of("/", "/health", "/play.html", "/" + STREAM + "/index.m3u8",
                "/rest/v2/cluster/nodes", "/cluster.html", "/system/console/bundles")) {
            Curl trace = curl("-X", "TRACE", "-H", "X-Echo: secret", path);
            assertThat(trace.status()).as("TRACE %s", path).isEqualTo(405);
            assertThat(trace.body()).doesNotContain("secret");
            assertThat(trace.hasHeader("X-Content-Type-Options", "nosniff")).isTrue();
        }
    }

    @Test
    @Order(6)
    void theClusterPageAndTheConsolesClusterTabWorkForALoggedInOperatorInChromium() throws Exception {
        browser = Browser.start();
        String login = "admin:" + node.consolePassword() + "@";
        for (String path : List.of("/cluster.html", "/system/console/cluster")) {
            browser.open("http://" + login + "127.0.0.1:" + port + path);
            browser.waitFor(path + " shows this standalone node from /rest/v2/cluster/nodes",
                    () -> "standalone".equals(browser.evaluate("document.getElementById('aq-cluster').dataset.mode"))
                            && "false".equals(browser.evaluate("document.getElementById('aq-cluster').dataset.stale")),
                    Duration.ofSeconds(15));
            System.out.println("SecurityIT: " + path + " in Chromium with the admin login: the page reads the REST API");
        }
    }

    @Test
    @Order(7)
    void aPublicClusterPageIsTheOperatorsExplicitChoiceAndCoversReadsOnly() throws Exception {
        assertThat(curl("/cluster.html").status()).as("off by default").isEqualTo(401);
        node.setConfig("io.aqueduct.security.cfg", "cluster.page.public", "true");
        Appliance.await(Duration.ofSeconds(20), "the cluster page opens without a login",
                () -> Appliance.unchecked(() -> curl("/cluster.html")).status() == 200);
        assertThat(curl("/rest/v2/cluster/nodes").status()).isEqualTo(200);
        assertThat(curl("-X", "DELETE", "/rest/v2/cluster/nodes/x").status()).as("writes still need a login")
                .isEqualTo(401);
        assertThat(curl("/rest/v2/hls/streams").status()).as("other operator reads still need a login")
                .isEqualTo(401);
        assertThat(node.get(port, "/health").body()).contains("cluster.page.public = true");
        assertThat(node.logText()).contains("cluster.page.public = true: anyone who reaches this node reads");
        node.setConfig("io.aqueduct.security.cfg", "cluster.page.public", "false");
        Appliance.await(Duration.ofSeconds(20), "the cluster page asks again",
                () -> Appliance.unchecked(() -> curl("/cluster.html")).status() == 401);
    }

    /** Runs curl with these arguments; its output. */
    private static String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "--max-time", "60"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("curl failed: " + out);
        }
        return out;
    }

    /** curl with the arguments (the last one a path on the node), the status, total time, headers and body. */
    private Curl curl(String... args) throws IOException, InterruptedException {
        Path headers = Files.createTempFile(dir, "headers-", ".txt");
        Path body = Files.createTempFile(dir, "body-", ".txt");
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "30", "-D", headers.toString(),
                "-o", body.toString(), "-w", "%{http_code} %{time_total}"));
        for (int i = 0; i < args.length - 1; i++) {
            command.add(args[i]);
        }
        command.add("http://127.0.0.1:" + port + args[args.length - 1]);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(40, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("curl " + String.join(" ", args) + " failed: " + out);
        }
        String[] f = out.split(" ");
        Curl c = new Curl(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
                Files.readString(headers, StandardCharsets.ISO_8859_1), Files.readString(body, StandardCharsets.UTF_8));
        Files.delete(headers);
        Files.delete(body);
        return c;
    }
}
