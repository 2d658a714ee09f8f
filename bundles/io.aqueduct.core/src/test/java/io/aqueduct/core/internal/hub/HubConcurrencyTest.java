package io.aqueduct.core.internal.hub;

import static io.aqueduct.core.internal.hub.TestStream.FRAME_US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Subscribers on their own threads, joining and leaving while the publisher sends. */
class HubConcurrencyTest {
    private static final StreamKey KEY = StreamKey.of("live", "busy");

    @Test
    void subscribersOnOtherThreadsSeeOrderedPacketsAndNothingLeaks() throws Exception {
        DefaultStreamHub hub = new DefaultStreamHub();
        TestStream media = new TestStream();
        Publication pub = hub.publish(KEY);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> readers = new ArrayList<>();
        int frames = 3000;
        // the publisher starts once every reader is in: on a busy machine it could otherwise end before they join
        CountDownLatch joined = new CountDownLatch(3);
        try {
            Future<?> publisher = pool.submit(() -> {
                assertTrue(joined.await(30, TimeUnit.SECONDS), "the readers joined");
                for (int i = 0; i < frames; i++) {
                    pub.send(media.video(i * FRAME_US, i % 30 == 0));
                }
                pub.close();
                return null;
            });
            for (int r = 0; r < 3; r++) {
                readers.add(pool.submit(() -> readUntilEndOrLeave(hub, joined)));
            }
            publisher.get(30, TimeUnit.SECONDS);
            int total = 0;
            for (Future<Integer> f : readers) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertTrue(total > 0, "readers received packets");
        } finally {
            pool.shutdownNow();
            hub.stop();
        }
        assertEquals(0, media.alive(), "every payload released");
    }

    /** Joins, reads a while (checking order), leaves, joins again, until the stream ends. */
    private static int readUntilEndOrLeave(DefaultStreamHub hub, CountDownLatch joined) {
        int received = 0;
        for (int round = 0; round < 1000; round++) {
            Subscription s = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, x -> { }).orElse(null);
            if (s == null) {
                return received; // the stream ended
            }
            if (round == 0) {
                joined.countDown();
            }
            long last = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int taken = 0;
            while (!s.isEnded() && taken < 200 && System.nanoTime() < deadline) {
                MediaPacket p = s.poll();
                if (p == null) {
                    Thread.onSpinWait();
                    continue;
                }
                assertTrue(p.dts() > last, "packets arrive in order");
                last = p.dts();
                p.release();
                taken++;
            }
            received += taken;
            boolean ended = s.isEnded();
            s.close();
            if (ended) {
                return received;
            }
        }
        return received;
    }
}
