package io.aqueduct.bench.registryload;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.concurrent.CountDownLatch;

/**
 * mongo-java-server with its memory backend, as a process of its own: the same server as the embedded registry
 * without the H2 file, for a second figure. {@code MemoryRegistry host port}; stops on SIGTERM.
 */
public final class MemoryRegistry {
    private MemoryRegistry() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: MemoryRegistry host port");
            System.exit(2);
        }
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind(args[0], Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            stopped.countDown();
        }, "registry-shutdown"));
        System.out.println("registry (memory backend): serving MongoDB wire protocol on " + args[0] + ":" + args[1]);
        stopped.await();
    }
}
