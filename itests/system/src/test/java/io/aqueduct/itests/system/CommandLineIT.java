package io.aqueduct.itests.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/aqueduct} as an operator types it, against a running node and a registry of its own that checks a
 * user's password ({@code bin/aqueduct registry --user aqadmin --password-stdin}): {@code help}; {@code mode cluster}
 * refusing what is not a MongoDB target; Ant Media Server's {@code cluster <mongo> <user> <password>} and
 * {@code --password-stdin}, whose password reaches {@code mongo.uri} percent-encoded, logs the node in, and appears
 * nowhere else (not the process list, the logs, {@code status}, {@code /health}); a wrong password refused by the
 * registry; a hand-written {@code mongo.uri} with an empty host refused by the node; and {@code lb render} on a node
 * that is no lb node, its output accepted by the real {@code nginx -t} and {@code haproxy -c}. The tests run in order
 * on one node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class CommandLineIT {
    private static final Duration APPLY = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final String NODE_CFG = "io.aqueduct.node.cfg";
    private static final String USER = "aqadmin";
    /** With characters that must be percent-encoded in a URI's user info. */
    private static final String PASSWORD = "Ams-S3cret/pass@word:1 #2";
    private static final String ENCODED = "Ams-S3cret%2Fpass%40word%3A1%20%232";
    private static final String WRONG_PASSWORD = "Wrong-S3cret/9";

    @TempDir
    static Path dir;

    private RegistryProcess registry;
    private Appliance node;
    private ClusterProbe probe;

    @BeforeAll
    void startARegistryAndAStandaloneNode() throws Exception {
        registry = new RegistryProcess(Path.of(System.getProperty("aqueduct.distribution")), Appliance.freePort(), dir)
                .withUser(USER, PASSWORD);
        registry.start(dir.resolve("registry.mv.db"));
        int http = Appliance.freePort();
        node = Appliance.copyDistribution(http);
        node.writeConfig("io.aqueduct.cluster.cfg", "heartbeat.period.ms = 500\ndead.after.ms = 3000\n");
        probe = new ClusterProbe(node, http);
        Appliance.Result start = node.aqueduct(Duration.ofSeconds(90), "start");
        assertThat(start.exitCode()).as("bin/aqueduct start: %s", start.output()).isZero();
        probe.awaitHealth(APPLY, "the node is up, standalone", h -> "standalone".equals(h.mode()));
    }

    @AfterAll
    void stop() throws Exception {
        try (Appliance n = node; RegistryProcess r = registry) {
            // closed in reverse order: the node leaves the registry first
        }
    }

    @Test
    @Order(1)
    void helpEndsWithANewlineAndNamesBothForms() throws Exception {
        Output help = run(List.of("help"));
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).as("bin/aqueduct help").endsWith("\n")
                .contains("mode cluster <mongo> <user> <password>", "--password-stdin", "lb render");
        System.out.printf("bin/aqueduct help: %d lines, ends with %s%n", help.stdout().lines().count(),
                help.stdout().endsWith("\n") ? "a newline" : "no newline");
    }

    @Test
    @Order(2)
    void whatIsNotAMongoDbTargetIsRefusedWithExitTwoAndTheReason() throws Exception {
        String before = Files.readString(node.config(NODE_CFG));
        record Case(List<String> args, String reason) {
        }
        List<Case> cases = List.of(
                new Case(List.of("mode", "cluster", "-rf"), "unknown option '-rf'"),
                new Case(List.of("mode", "cluster", "--", "-rf"), "'-rf' is not a host name or IP address"),
                new Case(List.of("mode", "cluster", "mongodb://h1,h2,/db"), "a host in the list is empty"),
                new Case(List.of("mode", "cluster", "db1", "--password-stdin"), "--password-stdin needs a user"),
                new Case(List.of("mode", "cluster", "embedded", USER, PASSWORD), "embedded registry has no users"));
        for (Case c : cases) {
            Output r = run(c.args());
            System.out.printf("bin/aqueduct %s: exit %d, %s", String.join(" ", c.args()), r.exitCode(), r.stderr());
            assertThat(r.exitCode()).as("bin/aqueduct %s: %s", c.args(), r).isEqualTo(2);
            assertThat(r.stderr()).contains("error: ", c.reason(), "nothing changed").doesNotContain(PASSWORD);
            assertThat(Files.readString(node.config(NODE_CFG))).as(NODE_CFG).isEqualTo(before);
        }
        probe.awaitHealth(APPLY, "still standalone", h -> "standalone".equals(h.mode()));
    }

    @Test
    @Order(3)
    void antMediaServersFormLogsTheNodeInWithThePasswordOnlyInTheUri() throws Exception {
        Output r = run(List.of("mode", "cluster", "127.0.0.1:" + registry.port(), USER, PASSWORD));
        assertThat(r.exitCode()).as("bin/aqueduct mode cluster <mongo> <user> <password>: %s", r).isZero();
        String uri = "mongodb://" + USER + ":" + ENCODED + "@127.0.0.1:" + registry.port() + "/";
        assertThat(Files.readString(node.config(NODE_CFG))).contains("mongo.uri = " + uri + "\n", "mode = cluster");
        assertThat(Files.getPosixFilePermissions(node.config(NODE_CFG))).as("%s with a password", NODE_CFG)
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(r.stdout()).contains("mongo.uri = mongodb://aqadmin:***@127.0.0.1:" + registry.port() + "/");

        ClusterProbe.Check check = awaitRegistryCheck("UP", registeredAsUser());
        System.out.printf("AMS form: %s written; cluster-registry %s: %s%n", uri.replace(ENCODED, "***"),
                check.status(), check.message());
        assertThat(check.message()).contains("aqadmin:***@127.0.0.1:" + registry.port());
        assertPasswordNowhere(PASSWORD, ENCODED);
    }

    @Test
    @Order(4)
    void aWrongPasswordIsRefusedByTheRegistryAndNotShown() throws Exception {
        Output r = run(List.of("mode", "cluster", "127.0.0.1:" + registry.port(), USER, WRONG_PASSWORD));
        assertThat(r.exitCode()).as("bin/aqueduct mode cluster with a wrong password: %s", r).isZero();
        ClusterProbe.Check check = awaitRegistryCheck("DEGRADED", "authentication to the registry");
        System.out.printf("wrong password: cluster-registry %s: %s%n", check.status(), check.message());
        assertThat(check.message()).contains("authentication to the registry at mongodb://aqadmin:***@127.0.0.1:"
                + registry.port() + "/ failed as user 'aqadmin' (authSource admin)");
        assertThat(registry.output()).contains("Authentication failed for ").doesNotContain(WRONG_PASSWORD);
        assertPasswordNowhere(WRONG_PASSWORD, "Wrong-S3cret%2F9");
    }

    @Test
    @Order(5)
    void passwordStdinKeepsThePasswordOutOfTheProcessList() throws Exception {
        List<String> args = List.of("mode", "cluster", "127.0.0.1:" + registry.port(), "--user", USER,
                "--password-stdin");
        Command c = start(args);
        Process p = c.process();
        try {
            // the command's JVM waits for the password: its command line, as ps shows it, has none
            Appliance.await(COMMAND, "the admin command's JVM runs", () -> adminJvm(p).isPresent());
            String commandLine = ps(adminJvm(p).orElseThrow().pid());
            assertThat(commandLine).as("ps of the admin command").contains("AdminCommand", "--password-stdin")
                    .doesNotContain(PASSWORD).doesNotContain(ENCODED);
            try (OutputStream in = p.getOutputStream()) {
                in.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Output r = c.output();
            assertThat(r.exitCode()).as("bin/aqueduct %s: %s", String.join(" ", args), r).isZero();
            System.out.printf("--password-stdin: ps showed '%s'%n", commandLine.strip());
        } finally {
            p.destroyForcibly();
        }
        String uri = "mongodb://" + USER + ":" + ENCODED + "@127.0.0.1:" + registry.port() + "/";
        assertThat(Files.readString(node.config(NODE_CFG))).contains("mongo.uri = " + uri + "\n");
        ClusterProbe.Check check = awaitRegistryCheck("UP", registeredAsUser());
        System.out.printf("--password-stdin: cluster-registry %s: %s%n", check.status(), check.message());
        assertPasswordNowhere(PASSWORD, ENCODED);
    }

    @Test
    @Order(6)
    void aHandWrittenUriWithAnEmptyHostIsRefusedByTheNode() throws Exception {
        String bad = "mongodb://127.0.0.1:" + registry.port() + ",127.0.0.1:" + registry.port() + ",/aqueduct";
        node.setConfig(NODE_CFG, "mongo.uri", bad);
        ClusterProbe.Health h = probe.awaitHealth(APPLY, "the node refuses " + bad, x -> x.check("cluster-registry")
                .map(c -> c.message().contains("a host in the list is empty")).orElse(false));
        System.out.printf("hand-written %s: %s%n", bad, h.describe("cluster-registry"));
        assertThat(h.describe("cluster-registry")).contains("mongo.uri of io.aqueduct.node: MongoDB target '" + bad);
        assertThat(h.status()).isNotEqualTo("UP");
    }

    @Test
    @Order(7)
    void lbRenderOnANodeThatIsNoLbNodePassesNginxAndHaproxy() throws Exception {
        // lb render logs in to the registry with the node's mongo.uri too
        Output mode = run(List.of("mode", "cluster", "127.0.0.1:" + registry.port(), USER, PASSWORD));
        assertThat(mode.exitCode()).as("bin/aqueduct mode cluster: %s", mode).isZero();
        awaitRegistryCheck("UP", registeredAsUser());
        Path runtime = node.home().resolve("data/lb/run");
        assertThat(runtime).as("only an lb node has made it so far").doesNotExist();

        for (String format : List.of("nginx", "haproxy")) {
            Output r = run(List.of("lb", "render", "--format", format));
            assertThat(r.exitCode()).as("bin/aqueduct lb render --format %s: %s", format, r).isZero();
            assertThat(r.stdout()).as("%s configuration", format).contains("127.0.0.1:" + node.rtmpPort());
            assertThat(runtime).isDirectory();
            Path file = dir.resolve("rendered-" + format + ".conf");
            Files.writeString(file, r.stdout(), StandardCharsets.UTF_8);
            List<String> check = format.equals("nginx") ? List.of("nginx", "-t", "-c", file.toString())
                    : List.of("haproxy", "-c", "-f", file.toString());
            Process v = new ProcessBuilder(check).redirectErrorStream(true).start();
            assertThat(v.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String said = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.printf("%s on bin/aqueduct lb render --format %s (%d lines, stderr: %s): exit %d, %s",
                    String.join(" ", check), format, r.stdout().lines().count(), r.stderr().strip(), v.exitValue(),
                    said);
            assertThat(v.exitValue()).as("%s: %s", check, said).isZero();
        }
        // nothing the node logged since the password commands holds either password
        assertPasswordNowhere(PASSWORD, ENCODED);
        assertPasswordNowhere(WRONG_PASSWORD, "Wrong-S3cret%2F9");
    }

    /** What the registry check says once the node logged in as {@link #USER}. */
    private String registeredAsUser() {
        return "registered in mongodb://" + USER + ":***@127.0.0.1:" + registry.port() + "/";
    }

    /** Waits for the registry check to have {@code status} and a message with {@code fragment}. */
    private ClusterProbe.Check awaitRegistryCheck(String status, String fragment) throws Exception {
        ClusterProbe.Health h = probe.awaitHealth(APPLY, "cluster-registry " + status + ": ..." + fragment + "...",
                x -> "cluster".equals(x.mode()) && x.check("cluster-registry").map(c -> c.status().equals(status)
                        && c.message().contains(fragment)).orElse(false));
        return h.check("cluster-registry").orElseThrow();
    }

    /** The password, plain or percent-encoded, is in no process's command line, the log, status or /health. */
    private void assertPasswordNowhere(String password, String encoded) throws Exception {
        Process ps = new ProcessBuilder("ps", "-eww", "-o", "pid=,args=").redirectErrorStream(true).start();
        String processes = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ps.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long nodePid = node.process().orElseThrow().pid();
        assertThat(processes).as("ps lists the node's JVM").containsPattern("(?m)^\\s*" + nodePid + " \\S*java ");
        Output status = run(List.of("status"));
        assertThat(status.stdout()).contains("Aqueduct is running");
        String health = probe.health().json();
        for (String secret : List.of(password, encoded)) {
            assertThat(processes).as("ps -eww -o pid,args").doesNotContain(secret);
            assertThat(node.logText()).as("logs/aqueduct.log").doesNotContain(secret);
            Path console = node.home().resolve("logs/console.out");
            assertThat(Files.exists(console) ? Files.readString(console) : "").as("logs/console.out")
                    .doesNotContain(secret);
            assertThat(status.stdout() + status.stderr()).as("bin/aqueduct status").doesNotContain(secret);
            assertThat(health).as("/health").doesNotContain(secret);
        }
    }

    private static String ps(long pid) throws Exception {
        Process ps = new ProcessBuilder("ps", "-ww", "-o", "args=", "-p", Long.toString(pid)).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ps.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** The JVM that {@code bin/aqueduct mode ...} started (a child of the script). */
    private static Optional<ProcessHandle> adminJvm(Process script) {
        return script.descendants().filter(d -> d.info().commandLine().map(c -> c.contains("AdminCommand"))
                .orElse(false)).findFirst();
    }

    record Output(int exitCode, String stdout, String stderr) {
    }

    /** A running {@code bin/aqueduct}, its standard output and error going to files of their own. */
    private record Command(Process process, Path stdout, Path stderr) {
        Output output() throws IOException {
            return new Output(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        }
    }

    private Command start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(node.home().resolve("bin/aqueduct").toString());
        command.addAll(args);
        Path out = Files.createTempFile(dir, "command-", ".out");
        Path err = Files.createTempFile(dir, "command-", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(node.home().toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home")); // the same Java as the tests
        return new Command(pb.start(), out, err);
    }

    /** Runs {@code bin/aqueduct <args>} with an empty standard input; its stdout and stderr apart. */
    private Output run(List<String> args) throws Exception {
        Command c = start(args);
        c.process().getOutputStream().close();
        if (!c.process().waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
            c.process().destroyForcibly();
            throw new AssertionError("bin/aqueduct " + String.join(" ", args) + " did not finish within " + COMMAND);
        }
        return c.output();
    }
}
