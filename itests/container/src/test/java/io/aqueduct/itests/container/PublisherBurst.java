package io.aqueduct.itests.container;

import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A burst of publishers: threads that start at the same moment, each publishing and unpublishing keys of its own
 * round after round, so that every publish must succeed. Collects what went wrong, with the key.
 */
final class PublisherBurst {

    /** One publish of a key: what went wrong, or null. */
    interface Cycle {
        String run(StreamKey key) throws Exception;
    }

    final int threads;
    final int keysPerThread;
    final int rounds;

    PublisherBurst(int threads, int keysPerThread, int rounds) {
        this.threads = threads;
        this.keysPerThread = keysPerThread;
        this.rounds = rounds;
    }

    int cycles() {
        return threads * keysPerThread * rounds;
    }

    static StreamKey key(int thread, int k) {
        return StreamKey.of("burst", "t" + thread + "-k" + k);
    }

    List<StreamKey> keys() {
        List<StreamKey> keys = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (int k = 0; k < keysPerThread; k++) {
                keys.add(key(t, k));
            }
        }
        return keys;
    }

    /** Runs the burst; returns the failures (empty when every cycle succeeded). */
    List<String> run(Cycle cycle) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> publishers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                publishers.add(pool.submit(() -> {
                    go.await();
                    for (int round = 0; round < rounds; round++) {
                        for (int k = 0; k < keysPerThread; k++) {
                            StreamKey key = key(thread, k);
                            try {
                                String failure = cycle.run(key);
                                if (failure != null) {
                                    failures.add(key + ": " + failure);
                                }
                            } catch (Exception | LinkageError e) {
                                failures.add(key + ": " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> p : publishers) {
                p.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(failures);
    }

    /** A publish straight into the hub and its unpublish; what fails is said with the step. */
    static String publishAndUnpublish(StreamHub hub, StreamKey key) {
        Publication publication;
        try {
            publication = hub.publish(key);
        } catch (Exception | LinkageError e) {
            return "publish: " + e;
        }
        try {
            publication.close();
            return null;
        } catch (RuntimeException e) {
            return "unpublish: " + e;
        }
    }
}
