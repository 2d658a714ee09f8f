package io.aqueduct.core.internal.hub;

import static io.aqueduct.core.internal.hub.TestStream.FRAME_US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.stream.EndReason;
import io.aqueduct.api.stream.HubStatistics;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
import io.aqueduct.api.stream.StreamAlreadyLiveException;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

class DefaultStreamHubTest {
    private static final StreamKey KEY = StreamKey.of("live", "test");
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    private final DefaultStreamHub hub = new DefaultStreamHub(Clock.fixed(T0, ZoneOffset.UTC));
    private final TestStream media = new TestStream();

    @AfterEach
    void nothingLeaks() {
        hub.stop();
        assertEquals(0, media.alive(), "every payload is released once the stream and its subscribers are gone");
    }

    /** A subscriber that drains everything the moment it is told, on the publisher's thread. */
    private static final class Collector {
        final List<MediaPacket> received = new ArrayList<>();
        final AtomicInteger wakeups = new AtomicInteger();
        Subscription subscription;

        void drain(Subscription s) {
            wakeups.incrementAndGet();
            MediaPacket p;
            while ((p = s.poll()) != null) {
                received.add(p);
            }
        }

        void releaseAll() {
            received.forEach(MediaPacket::release);
        }
    }

    private Collector fastSubscriber() {
        Collector c = new Collector();
        c.subscription = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, c::drain).orElseThrow();
        return c;
    }

    private static List<MediaPacket> drain(Subscription s) {
        List<MediaPacket> out = new ArrayList<>();
        s.drainTo(out, Integer.MAX_VALUE);
        return out;
    }

    @Test
    void aStreamCarriesWhatItsPublisherSaidItIsARenditionOf() throws Exception {
        StreamKey rendition = StreamKey.of("live", "cam_480p");
        try (Publication source = hub.publish(KEY);
                Publication low = hub.publish(rendition, PublishOptions.DEFAULTS.withRenditionOf(KEY))) {
            assertEquals(java.util.Optional.empty(), hub.stream(KEY).orElseThrow().renditionOf());
            assertEquals(java.util.Optional.of(KEY), hub.stream(rendition).orElseThrow().renditionOf());
            assertEquals(java.util.Optional.of(KEY), hub.streams().get(0).renditionOf(), "live/cam_480p, first by key");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> hub.publish(KEY, PublishOptions.DEFAULTS.withRenditionOf(KEY)));
        assertEquals("stream " + KEY + " cannot be a rendition of itself", e.getMessage());
        assertTrue(hub.stream(KEY).isEmpty(), "nothing was published");
    }

    @Test
    void fansOutTheSamePacketToEverySubscriberWithoutCopyingThePayload() throws Exception {
        Publication pub = hub.publish(KEY);
        List<Collector> subscribers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            subscribers.add(fastSubscriber());
        }
        for (int i = 0; i < 30; i++) {
            pub.send(media.video(i * FRAME_US, i == 0));
        }
        for (Collector c : subscribers) {
            assertEquals(30, c.received.size());
            for (int i = 0; i < 30; i++) {
                MediaPacket p = c.received.get(i);
                assertSame(subscribers.get(0).received.get(i), p, "every subscriber gets the same packet object");
                assertSame(media.arrays.get(i), p.content().array(), "the payload is the publisher's own bytes");
                assertEquals(0, p.content().arrayOffset(), "a view of the whole payload, not a slice copy");
            }
        }
        // One reference per subscriber, plus the GOP cache's: nothing else holds or copies it.
        assertEquals(200 + 1, subscribers.get(0).received.get(0).refCnt());
        subscribers.forEach(Collector::releaseAll);
        assertEquals(1, subscribers.get(0).received.get(0).refCnt(), "only the GOP cache still holds it");
        pub.close();
    }

    @Test
    void eachReaderGetsItsOwnReaderIndex() throws Exception {
        Publication pub = hub.publish(KEY);
        Collector a = fastSubscriber();
        Collector b = fastSubscriber();
        pub.send(media.video(0, true));
        a.received.get(0).content().skipBytes(100);
        assertEquals(4000, b.received.get(0).content().readableBytes());
        assertEquals(4000, a.received.get(0).content().readableBytes(), "content() is a fresh view each time");
        a.releaseAll();
        b.releaseAll();
        pub.close();
    }

    @Test
    void aNewSubscriberStartsAtTheLastKeyframe() throws Exception {
        Publication pub = hub.publish(KEY);
        long t = 0;
        pub.send(media.video(t, true));
        for (int i = 1; i < 30; i++) {
            pub.send(media.audio(t + i * FRAME_US));
            pub.send(media.video(t + i * FRAME_US, false));
        }
        t = 30 * FRAME_US;
        pub.send(media.video(t, true)); // the last keyframe
        pub.send(media.audio(t + 1000));
        pub.send(media.video(t + FRAME_US, false));

        Subscription late = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, s -> { }).orElseThrow();
        List<MediaPacket> got = drain(late);
        assertEquals(3, got.size(), "the cache holds the last GOP only");
        assertTrue(got.get(0).isVideoKeyframe(), "starts at the keyframe");
        assertEquals(t, got.get(0).dts());
        assertEquals(MediaType.AUDIO, got.get(1).mediaType());
        got.forEach(MediaPacket::release);

        pub.send(media.video(t + 2 * FRAME_US, false));
        List<MediaPacket> live = drain(late);
        assertEquals(1, live.size(), "then live packets follow, nothing twice");
        assertEquals(t + 2 * FRAME_US, live.get(0).dts());
        live.forEach(MediaPacket::release);
        assertEquals(0, late.droppedPackets());
        late.close();
        pub.close();
    }

    @Test
    void aSubscriberJoiningBeforeTheFirstKeyframeWaitsForItWithoutCountingDrops() throws Exception {
        Publication pub = hub.publish(KEY);
        pub.send(media.video(0, false)); // the stream has video, but no keyframe yet
        Subscription s = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, x -> { }).orElseThrow();
        pub.send(media.audio(1000));
        pub.send(media.video(FRAME_US, false));
        assertNull(s.poll(), "nothing before a keyframe");
        pub.send(media.video(2 * FRAME_US, true));
        MediaPacket first = s.poll();
        assertTrue(first.isVideoKeyframe());
        first.release();
        assertEquals(0, s.droppedPackets(), "waiting for the first keyframe is not slowness");
        assertEquals(0, s.skips());
        s.close();
        pub.close();
    }

    @Test
    void audioBeforeTheFirstVideoReachesSubscribers() throws Exception {
        Publication pub = hub.publish(KEY);
        Subscription s = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, x -> { }).orElseThrow();
        pub.send(media.audio(0));
        pub.send(media.audio(21_333));
        List<MediaPacket> got = drain(s);
        assertEquals(2, got.size(), "an audio-only (so far) stream is joined at any packet");
        got.forEach(MediaPacket::release);
        s.close();
        pub.close();
    }

    @Test
    void aSlowSubscriberIsSkippedToTheNextKeyframeWithoutDelayingAFastOne() throws Exception {
        Publication pub = hub.publish(KEY);
        Collector fast = fastSubscriber();
        SubscriptionOptions twoSeconds = SubscriptionOptions.DEFAULTS.withMaxQueueMicros(2_000_000);
        Subscription slow = hub.subscribe(KEY, twoSeconds, s -> { }).orElseThrow(); // never drains on its own

        int sent = 0;
        for (int i = 0; i < 300; i++) { // 10 s at 30 fps, a keyframe every second
            pub.send(media.video(i * FRAME_US, i % 30 == 0));
            pub.send(media.audio(i * FRAME_US + 500));
            sent += 2;
            assertEquals(sent, fast.received.size(), "the fast subscriber has every packet as soon as it is sent");
        }
        assertTrue(slow.skips() >= 3, "skipped forward repeatedly, was " + slow.skips());
        assertTrue(slow.droppedPackets() > 0);
        List<MediaPacket> backlog = drain(slow);
        assertTrue(backlog.get(0).isVideoKeyframe(), "after a skip the slow subscriber resumes at a keyframe");
        long span = backlog.get(backlog.size() - 1).dts() - backlog.get(0).dts();
        assertTrue(span <= 2_000_000, "its queue never holds more than its limit, held " + span + " us");
        assertEquals(sent, backlog.size() + slow.droppedPackets(), "every packet is either queued or counted as dropped");
        backlog.forEach(MediaPacket::release);

        HubStatistics stats = hub.statistics();
        assertEquals(slow.skips(), stats.skips());
        assertEquals(slow.droppedPackets(), stats.droppedPackets());
        assertEquals(slow.skips(), hub.stream(KEY).orElseThrow().skips(), "counted per stream too");
        assertEquals(0, fast.subscription.droppedPackets());
        assertFalse(slow.isEnded(), "skipping is not disconnecting");
        fast.releaseAll();
        slow.close();
        pub.close();
    }

    @Test
    void aSubscriberTooSlowTooOftenIsDisconnectedAndTheOthersGoOn() throws Exception {
        Publication pub = hub.publish(KEY);
        Collector fast = fastSubscriber();
        AtomicInteger told = new AtomicInteger();
        SubscriptionOptions strict = new SubscriptionOptions(1_000_000, 1 << 20, 0);
        Subscription slow = hub.subscribe(KEY, strict, s -> told.incrementAndGet()).orElseThrow();
        for (int i = 0; i < 90; i++) {
            pub.send(media.video(i * FRAME_US, i % 30 == 0));
        }
        assertTrue(slow.isEnded());
        assertEquals(EndReason.TOO_SLOW, slow.endReason());
        assertNull(slow.poll(), "its queue was released");
        assertTrue(told.get() >= 2, "told when packets arrived and when it was dropped");
        assertEquals(90, fast.received.size());
        assertEquals(1, hub.statistics().slowDisconnects());
        assertEquals(1, hub.stream(KEY).orElseThrow().subscribers(), "only the fast subscriber is left");
        fast.releaseAll();
        slow.close();
        pub.close();
    }

    /** Records what it hears; throws on start when asked to. */
    private static final class RecordingListener implements StreamLifecycleListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        private final RuntimeException onStartRuntime;
        private final Error onStartError;

        RecordingListener(RuntimeException onStartRuntime, Error onStartError) {
            this.onStartRuntime = onStartRuntime;
            this.onStartError = onStartError;
        }

        RecordingListener() {
            this(null, null);
        }

        @Override
        public void streamStarted(StreamKey key) {
            events.add("started " + key);
            if (onStartRuntime != null) {
                throw onStartRuntime;
            }
            if (onStartError != null) {
                throw onStartError;
            }
        }

        @Override
        public void streamEnded(StreamKey key) {
            events.add("ended " + key);
        }
    }

    /** Service objects as SCR hands them over, counting gets and ungets. */
    private static class CountingServiceObjects implements ComponentServiceObjects<StreamLifecycleListener> {
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger ungets = new AtomicInteger();
        private final StreamLifecycleListener service;

        CountingServiceObjects(StreamLifecycleListener service) {
            this.service = service;
        }

        @Override
        public StreamLifecycleListener getService() {
            gets.incrementAndGet();
            return service;
        }

        @Override
        public void ungetService(StreamLifecycleListener s) {
            ungets.incrementAndGet();
        }

        @Override
        public ServiceReference<StreamLifecycleListener> getServiceReference() {
            return null;
        }
    }

    @Test
    void whiteboardListenersAreFetchedOnTheirFirstEventAndKeptWhileBound() throws Exception {
        RecordingListener listener = new RecordingListener();
        CountingServiceObjects objects = new CountingServiceObjects(listener);
        hub.addListenerService(objects);
        assertEquals(0, objects.gets.get(), "binding does not fetch the service (it may need the hub itself)");
        hub.publish(KEY).close();
        hub.publish(KEY).close();
        assertEquals(List.of("started " + KEY, "ended " + KEY, "started " + KEY, "ended " + KEY), listener.events);
        assertEquals(1, objects.gets.get(), "fetched once, on the first event");
        assertEquals(0, objects.ungets.get(), "never an unget per event: SCR ungets it when it is unbound");
        hub.removeListenerService(objects);
        hub.publish(KEY).close();
        assertEquals(4, listener.events.size(), "an unbound listener hears nothing more");
    }

    @Test
    void aWhiteboardListenerThatCannotBeHadIsSkippedAndAskedAgainNextTime() throws Exception {
        RecordingListener other = new RecordingListener();
        AtomicInteger tries = new AtomicInteger();
        hub.addListenerService(new CountingServiceObjects(null) {
            @Override
            public StreamLifecycleListener getService() {
                if (tries.incrementAndGet() == 1) {
                    throw new IllegalStateException("the component is being deactivated");
                }
                return null; // the service went away
            }
        });
        hub.addListenerService(new CountingServiceObjects(other));
        hub.publish(KEY).close();
        assertEquals(List.of("started " + KEY, "ended " + KEY), other.events, "the other listener still hears");
        assertEquals(2, tries.get(), "asked again on the next event");
        assertTrue(hub.streams().isEmpty());
    }

    @Test
    void aListenerThatThrowsOnStartLeavesTheOthersAndThePublishWhole() throws Exception {
        RecordingListener throwing = new RecordingListener(new IllegalArgumentException("listener bug"), null);
        RecordingListener whiteboardThrowing = new RecordingListener(new IllegalStateException("bug"), null);
        RecordingListener other = new RecordingListener();
        hub.addListener(throwing);
        hub.addListenerService(new CountingServiceObjects(whiteboardThrowing));
        hub.addListenerService(new CountingServiceObjects(other));

        Publication pub = hub.publish(KEY);
        assertTrue(hub.stream(KEY).isPresent(), "the publish succeeded in full");
        assertEquals(List.of("started " + KEY), other.events);
        pub.send(media.video(0, true));
        assertEquals(1, hub.stream(KEY).orElseThrow().packetsIn());
        pub.close();
        assertEquals(List.of("started " + KEY, "ended " + KEY), throwing.events, "told of the end too");
        assertEquals(List.of("started " + KEY, "ended " + KEY), whiteboardThrowing.events);
        assertEquals(List.of("started " + KEY, "ended " + KEY), other.events);
        hub.publish(KEY).close(); // the key is free
    }

    @Test
    void aFailureThePublishCannotAbsorbLeavesNothingBehind() throws Exception {
        RecordingListener before = new RecordingListener();
        RecordingListener failing = new RecordingListener(null, new AssertionError("beyond what a listener may do"));
        hub.addListener(before);
        hub.addListener(failing);

        AssertionError e = assertThrows(AssertionError.class, () -> hub.publish(KEY));
        assertEquals("beyond what a listener may do", e.getMessage());
        assertTrue(hub.stream(KEY).isEmpty(), "no half-published stream");
        assertTrue(hub.streams().isEmpty());
        assertEquals(0, hub.statistics().liveStreams());
        assertEquals(List.of("started " + KEY, "ended " + KEY), before.events,
                "a listener that heard the start hears the end");

        hub.removeListener(failing);
        Publication again = hub.publish(KEY); // not "already live"
        assertTrue(hub.stream(KEY).isPresent());
        again.close();
        assertTrue(hub.streams().isEmpty());
    }

    @Test
    void theEndOfAStreamIsDeliveredAfterWhatWasQueued() throws Exception {
        List<String> events = new ArrayList<>();
        hub.addListener(new StreamLifecycleListener() {
            @Override
            public void streamStarted(StreamKey key) {
                events.add("started " + key);
            }

            @Override
            public void streamEnded(StreamKey key) {
                events.add("ended " + key);
            }
        });
        Publication pub = hub.publish(KEY);
        AtomicInteger told = new AtomicInteger();
        Subscription s = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, x -> told.incrementAndGet()).orElseThrow();
        pub.send(media.video(0, true));
        pub.send(media.video(FRAME_US, false));
        pub.close();

        assertEquals(2, told.get(), "told once for the packets, once for the end");
        assertFalse(s.isEnded(), "not ended while packets are still queued");
        assertEquals(EndReason.PUBLISHER_LEFT, s.endReason());
        List<MediaPacket> rest = drain(s);
        assertEquals(2, rest.size());
        rest.forEach(MediaPacket::release);
        assertTrue(s.isEnded());
        assertEquals(List.of("started live/test", "ended live/test"), events);
        assertTrue(hub.stream(KEY).isEmpty());
        assertTrue(hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, x -> { }).isEmpty(), "nothing to subscribe to");
        assertThrows(IllegalStateException.class, () -> pub.send(media.video(2 * FRAME_US, false)));
        s.close();

        hub.publish(KEY).close(); // the key is free again
    }

    @Test
    void aSecondPublisherOfALiveKeyIsRefused() throws Exception {
        Publication pub = hub.publish(KEY);
        StreamAlreadyLiveException e = assertThrows(StreamAlreadyLiveException.class, () -> hub.publish(KEY));
        assertTrue(e.getMessage().contains("live/test"));
        pub.send(media.video(0, true));
        assertEquals(1, hub.stream(KEY).orElseThrow().packetsIn(), "the first publisher is undisturbed");
        pub.close();
    }

    @Test
    void closingASubscriptionReleasesWhatItHadQueued() throws Exception {
        Publication pub = hub.publish(KEY);
        Subscription s = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, x -> { }).orElseThrow();
        pub.send(media.video(0, true));
        pub.send(media.video(FRAME_US, false));
        s.close();
        assertEquals(EndReason.CLOSED, s.endReason());
        assertEquals(0, hub.stream(KEY).orElseThrow().subscribers());
        pub.close();
    }

    @Test
    void aSubscriberThatThrowsIsClosedAndTheOthersGoOn() throws Exception {
        Publication pub = hub.publish(KEY);
        Subscription broken = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, s -> {
            throw new IllegalStateException("boom");
        }).orElseThrow();
        Collector fine = fastSubscriber();
        pub.send(media.video(0, true));
        pub.send(media.video(FRAME_US, false));
        assertEquals(EndReason.CLOSED, broken.endReason());
        assertEquals(2, fine.received.size());
        fine.releaseAll();
        pub.close();
    }

    @Test
    void streamInfoShowsTracksAndCounters() throws Exception {
        Publication pub = hub.publish(KEY);
        pub.send(media.video(0, true));
        pub.send(media.audio(10));
        var info = hub.stream(KEY).orElseThrow();
        assertEquals(T0, info.started());
        assertEquals(List.of(TestStream.VIDEO, TestStream.AUDIO), info.tracks());
        assertEquals(2, info.packetsIn());
        assertEquals(4300, info.bytesIn());
        assertEquals(1, hub.streams().size());
        assertEquals(1, hub.statistics().liveStreams());
        pub.close();
    }

    @Test
    void stoppingTheHubEndsEveryStream() throws Exception {
        Publication pub = hub.publish(KEY);
        Subscription s = hub.subscribe(KEY, SubscriptionOptions.DEFAULTS, x -> { }).orElseThrow();
        hub.stop();
        assertEquals(EndReason.HUB_STOPPED, s.endReason());
        assertTrue(hub.streams().isEmpty());
        pub.close(); // harmless after the hub stopped
        s.close();
    }
}
