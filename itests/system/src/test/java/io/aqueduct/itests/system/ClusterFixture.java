package io.aqueduct.itests.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A cluster for a system test: {@code bin/aqueduct registry} from the built distribution, appliance copies put in
 * cluster mode as an operator would ({@code bin/aqueduct mode cluster 127.0.0.1:<port> --role ...}) with a short
 * heartbeat, and every process the test starts. {@link #close()} stops them all, whatever happened.
 */
final class ClusterFixture implements AutoCloseable {
    /** Every appliance copy made by {@link #configure}, started or not. */
    final List<Appliance> appliances = new ArrayList<>();
    /** ffmpeg processes to kill at the end. */
    final List<Process> ffmpegs = new ArrayList<>();
    /** RTMP players to stop at the end. */
    final List<LivePlayer> players = new ArrayList<>();
    private final RegistryProcess registry;
    private final long heartbeatMs;
    private final long deadAfterMs;

    private ClusterFixture(RegistryProcess registry, long heartbeatMs, long deadAfterMs) {
        this.registry = registry;
        this.heartbeatMs = heartbeatMs;
        this.deadAfterMs = deadAfterMs;
    }

    /** Starts the registry (its data in {@code dir}). */
    static ClusterFixture start(Path dir, long heartbeatMs, long deadAfterMs) throws Exception {
        // the distribution's own script, read only: the registry's data stays in the test's directory
        RegistryProcess registry = new RegistryProcess(Path.of(System.getProperty("aqueduct.distribution")),
                Appliance.freePort(), dir);
        registry.start(dir.resolve("registry.mv.db"));
        return new ClusterFixture(registry, heartbeatMs, deadAfterMs);
    }

    int registryPort() {
        return registry.port();
    }

    /** A copy of the distribution in the cluster with {@code role}, on HTTP port {@code http}; not started. */
    Appliance configure(String name, String role, int http) throws Exception {
        Appliance a = Appliance.copyDistribution(http);
        // registered at once, so a failing start still stops every node
        appliances.add(a);
        Appliance.Result mode = a.aqueduct(Duration.ofSeconds(30), "mode", "cluster", "127.0.0.1:" + registryPort(),
                "--role", role);
        assertThat(mode.exitCode()).as("%s: bin/aqueduct mode cluster --role %s: %s", name, role, mode.output())
                .isZero();
        a.setConfig("io.aqueduct.cluster.cfg", "heartbeat.period.ms", Long.toString(heartbeatMs));
        a.setConfig("io.aqueduct.cluster.cfg", "dead.after.ms", Long.toString(deadAfterMs));
        return a;
    }

    @Override
    public void close() throws Exception {
        try {
            for (LivePlayer p : players) {
                p.close();
            }
            for (Process p : ffmpegs) {
                p.destroyForcibly();
            }
        } finally {
            try {
                // in parallel: each stop leaves the registry and waits for the JVM to exit
                Appliance.inParallel(appliances.stream().<Callable<Void>>map(a -> () -> {
                    a.close();
                    return null;
                }).toList());
            } finally {
                registry.stop();
            }
        }
    }
}
