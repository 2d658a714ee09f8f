package io.aqueduct.itests.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Test;
import org.osgi.framework.ServiceRegistration;

/**
 * A burst of publishers against the real hub and SCR: thousands of publish/unpublish cycles from several threads
 * at once, with whiteboard {@link StreamLifecycleListener} services registered beside the shipped ones (HLS):
 * steady ones, one that throws on every start, and one that comes and goes during the burst. The hub fetched each
 * listener and gave it back on every event, and Felix loses a service object when a get on one thread races an
 * unget on another as its use count crosses zero: about 1 % of the publishes then threw IllegalArgumentException
 * after the stream was registered, and the key stayed "already being published" until a restart.
 */
public class StreamBurstIT extends NodeTestSupport {
    /** 8 threads x 25 keys x 20 rounds = 4,000 publish/unpublish cycles. */
    private static final PublisherBurst BURST = new PublisherBurst(8, 25, 20);

    private final List<ServiceRegistration<StreamLifecycleListener>> registrations = new ArrayList<>();

    /** Counts what it hears, per key: +1 at a start, -1 at an end. */
    static class CountingListener implements StreamLifecycleListener {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final Map<StreamKey, AtomicInteger> balance = new ConcurrentHashMap<>();

        @Override
        public void streamStarted(StreamKey key) {
            started.incrementAndGet();
            balance.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void streamEnded(StreamKey key) {
            ended.incrementAndGet();
            balance.computeIfAbsent(key, k -> new AtomicInteger()).decrementAndGet();
        }

        List<String> unbalanced() {
            return balance.entrySet().stream().filter(e -> e.getValue().get() != 0)
                    .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.toList());
        }
    }

    /** Hears every start and then throws, as a buggy listener would. */
    static final class ThrowingListener extends CountingListener {
        @Override
        public void streamStarted(StreamKey key) {
            super.streamStarted(key);
            throw new IllegalStateException("a listener's bug on the start of " + key);
        }
    }

    @After
    public void unregisterListeners() {
        for (ServiceRegistration<StreamLifecycleListener> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered by the test
            }
        }
    }

    @Test
    public void noPublishOfABurstFailsOrLeavesItsKeyBehind() throws Exception {
        StreamHub hub = awaitService(StreamHub.class);
        List<CountingListener> steady = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            steady.add(register(new CountingListener()));
        }
        ThrowingListener throwing = register(new ThrowingListener());
        long startedBefore = hub.statistics().streamsStarted();

        // a listener registered and unregistered over and over while the burst runs
        AtomicBoolean bursting = new AtomicBoolean(true);
        AtomicInteger churns = new AtomicInteger();
        ExecutorService churner = Executors.newSingleThreadExecutor();
        List<String> failures;
        try {
            Future<?> churn = churner.submit(() -> {
                while (bursting.get()) {
                    context().registerService(StreamLifecycleListener.class, new CountingListener(), null)
                            .unregister();
                    churns.incrementAndGet();
                }
                return null;
            });
            failures = BURST.run(key -> PublisherBurst.publishAndUnpublish(hub, key));
            bursting.set(false);
            churn.get(20, TimeUnit.SECONDS);
        } finally {
            bursting.set(false);
            churner.shutdownNow();
        }

        int cycles = BURST.cycles();
        assertTrue("every publish and unpublish of the burst succeeds; " + failures.size() + " of " + cycles
                + " failed, the first: " + failures.stream().limit(5).collect(Collectors.toList()),
                failures.isEmpty());
        assertTrue("the listener came and went during the burst (" + churns.get() + " times)", churns.get() > 10);
        assertEquals("no stream is left in the hub", List.of(), hub.streams());
        assertEquals(0, hub.statistics().liveStreams());
        assertEquals(cycles, hub.statistics().streamsStarted() - startedBefore);
        for (CountingListener l : steady) {
            assertEquals("a steady listener hears every start", cycles, l.started.get());
            assertEquals("and every end", cycles, l.ended.get());
            assertEquals("an end for every start, per key", List.of(), l.unbalanced());
        }
        assertEquals("the throwing listener was told every start", cycles, throwing.started.get());
        assertEquals("and every end", cycles, throwing.ended.get());

        // every key publishes again: none is stuck as "already being published"
        List<String> again = new ArrayList<>();
        for (StreamKey key : BURST.keys()) {
            String failure = PublisherBurst.publishAndUnpublish(hub, key);
            if (failure != null) {
                again.add(key + ": " + failure);
            }
        }
        assertEquals("every key publishes again", List.of(), again);
        assertEquals(List.of(), hub.streams());
    }

    private <L extends StreamLifecycleListener> L register(L listener) {
        registrations.add(context().registerService(StreamLifecycleListener.class, listener, null));
        return listener;
    }
}
