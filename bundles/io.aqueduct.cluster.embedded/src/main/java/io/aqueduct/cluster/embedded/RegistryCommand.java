package io.aqueduct.cluster.embedded;

import io.aqueduct.cluster.embedded.internal.EmbeddedRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
     * Runs a registry until the process is stopped: {@code RegistryCommand [host [port [path [user]]]]}, by default
     * {@code 127.0.0.1 27017 data/registry.mv.db} and no user. With a user, its password is the first line of
     * standard input (never an argument: it would show in {@code ps}), and clients must log in as that user
     * ({@code mongodb://user:password@host/}). Prints {@code registry: serving MongoDB wire protocol on <uri>} once
     * it listens; exits with status 1 and the reason when the data file or the address cannot be used, 2 when a
     * user has no password. The data file is closed cleanly on SIGTERM / Ctrl-C.
     */
    public static void main(String[] args) throws InterruptedException, IOException {
        String host = args.length > 0 ? args[0] : EmbeddedRegistry.DEFAULT_HOST;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : EmbeddedRegistry.DEFAULT_PORT;
        Path path = Path.of(args.length > 2 ? args[2] : EmbeddedRegistry.DEFAULT_PATH);
        String user = args.length > 3 ? args[3] : null;
        String password = null;
        if (user != null) {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (user.isEmpty() || password == null || password.isEmpty()) {
                System.err.println("registry: a user needs a non-empty name and a password on the first line of "
                        + "standard input");
                System.exit(2);
                return;
            }
        }
        EmbeddedRegistry registry;
        try {
            registry = EmbeddedRegistry.start(host, port, path, user, password);
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
                + ", data in " + registry.path() + (user == null ? ", no authentication" : ", user " + user
                + " (SCRAM-SHA-1, admin database)"));
        stopped.await();
    }
}
