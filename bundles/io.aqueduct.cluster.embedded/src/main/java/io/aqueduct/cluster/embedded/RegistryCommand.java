package io.aqueduct.cluster.embedded;

import io.aqueduct.cluster.embedded.internal.EmbeddedRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/aqueduct registry}: the embedded registry as a process of its own, for a cluster whose registry must
 * outlive any one media node. The jar runs without OSGi, on a class path of itself, Netty and SLF4J.
 */
public final class RegistryCommand {

    private RegistryCommand() {
    }

    /**
     * Runs a registry until the process is stopped: {@code RegistryCommand [host [port [path]]]}, by default
     * {@code 127.0.0.1 27017 data/registry.mv.db}. Prints {@code registry: serving MongoDB wire protocol on <uri>}
     * once it listens; exits with status 1 and the reason when the data file or the address cannot be used. The
     * data file is closed cleanly on SIGTERM / Ctrl-C.
     */
    public static void main(String[] args) throws InterruptedException {
        String host = args.length > 0 ? args[0] : EmbeddedRegistry.DEFAULT_HOST;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : EmbeddedRegistry.DEFAULT_PORT;
        Path path = Path.of(args.length > 2 ? args[2] : EmbeddedRegistry.DEFAULT_PATH);
        EmbeddedRegistry registry;
        try {
            registry = EmbeddedRegistry.start(host, port, path);
        } catch (IOException e) {
            System.err.println("registry: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, "registry-shutdown"));
        System.out.println("registry: serving MongoDB wire protocol on " + registry.connectionString()
                + ", data in " + registry.path());
        stopped.await();
    }
}
