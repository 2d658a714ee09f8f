package io.aqueduct.itests.system;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/aqueduct registry --port P --path F}: the embedded cluster registry as a process of its own, on
 * 127.0.0.1, as an operator runs it for a cluster whose registry must outlive any one node. It can be stopped
 * (SIGTERM), killed (SIGKILL) and started again on the same port, with the same data file or a new one.
 */
final class RegistryProcess implements AutoCloseable {
    private static final String SERVING = "serving MongoDB wire protocol";

    private final Path home;
    private final int port;
    private final Path dir;
    private Process process;
    private Path log;
    private int starts;
    private String user;
    private String password;

    /**
     * @param home the installation whose {@code bin/aqueduct} runs it (only read: the data goes under {@code dir})
     * @param dir where its data files and logs go
     */
    RegistryProcess(Path home, int port, Path dir) {
        this.home = home;
        this.port = port;
        this.dir = dir;
    }

    int port() {
        return port;
    }

    /** From the next start on, clients must log in as {@code user} ({@code --user U --password-stdin}). */
    RegistryProcess withUser(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /** {@code mongodb://127.0.0.1:<port>/}. */
    String uri() {
        return "mongodb://127.0.0.1:" + port + "/";
    }

    /** Starts it on {@code data} and waits until it serves; fails with its output if it does not within 30 s. */
    void start(Path data) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the registry is already running");
        }
        log = dir.resolve("registry-" + ++starts + ".log");
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/aqueduct").toString(), "registry", "--port",
                Integer.toString(port), "--path", data.toString()));
        if (user != null) {
            command.addAll(List.of("--user", user, "--password-stdin"));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home")); // the same Java as the tests
        process = pb.start();
        if (user != null) {
            try (OutputStream in = process.getOutputStream()) {
                in.write((password + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            Appliance.await(Duration.ofSeconds(30), "bin/aqueduct registry serves on port " + port,
                    () -> !process.isAlive() || output().contains(SERVING));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; its output: " + output(), e);
        }
        if (!process.isAlive()) {
            throw new AssertionError("bin/aqueduct registry exited with " + process.exitValue() + ": " + output());
        }
    }

    /** SIGTERM, as Ctrl-C or a service manager stops it: the data file is closed on the way out. */
    void stop() throws InterruptedException {
        end(false);
    }

    /** SIGKILL: a crash, or the machine going away. */
    void kill() throws InterruptedException {
        end(true);
    }

    private void end(boolean force) throws InterruptedException {
        if (process == null) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("bin/aqueduct registry did not end within 20 s of SIGTERM; killed");
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** What the current (or last) run printed. */
    String output() {
        return log == null ? "" : Appliance.unchecked(() -> Files.exists(log) ? Files.readString(log) : "");
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
