package io.aqueduct.edge.internal.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.EndReason;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.core.internal.net.NioEventLoops;
import io.aqueduct.edge.internal.origin.RelayServer;
import io.aqueduct.edge.internal.origin.RelayStatistics;
import io.aqueduct.edge.internal.testing.Poll;
import io.aqueduct.edge.internal.testing.TestMedia;
import io.aqueduct.edge.internal.token.RelayToken;
import io.aqueduct.edge.internal.wire.RelayProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An origin (a hub and the relay server) and an edge (a hub, the relay client and {@link RelayedStream}) on
 * loopback: what the origin publishes is what the edge's viewers get, and every way the relay can end.
 */
class RelayEndToEndTest {
    private static final byte[] SECRET = "the cluster secret for tests".getBytes(StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Each node's event loops. */
    private static NioEventLoops originLoops;
    private static NioEventLoops edgeLoops;
    private DefaultStreamHub originHub;
    private DefaultStreamHub edgeHub;
    private RelayServer server;
    private RelayClient client;
    /** The reason the client's listener heard, and when. */
    private final CompletableFuture<String> lost = new CompletableFuture<>();
    private volatile long lostAtNanos;
    private final List<Publication> publications = new ArrayList<>();
    /** Views of every payload published at the origin, to check that all were released in the end. */
    private final List<ByteBuf> published = new ArrayList<>();

    /** What the edge must see of a packet the origin published. */
    private record Sent(Track track, long dts, long pts, boolean keyframe, byte[] payload) {
    }

    @BeforeAll
    static void startLoops() {
        originLoops = new NioEventLoops(1);
        edgeLoops = new NioEventLoops(1);
    }

    @AfterAll
    static void stopLoops() {
        originLoops.close();
        edgeLoops.close();
    }

    @BeforeEach
    void start() throws Exception {
        originHub = new DefaultStreamHub();
        edgeHub = new DefaultStreamHub();
        server = new RelayServer(originHub, originLoops, () -> SECRET, "origin-1");
        assertThat(server.bind("127.0.0.1", 0)).isTrue();
        client = connect(server.localAddress().getPort()).get(5, TimeUnit.SECONDS);
    }

    private CompletableFuture<RelayClient> connect(int port) {
        return RelayClient.connect(edgeLoops, "127.0.0.1", port, "edge-1",
                RelayToken.issue(SECRET, "edge-1", Instant.now()), (c, reason) -> {
                    lostAtNanos = System.nanoTime();
                    lost.complete(reason);
                });
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
        for (Publication p : publications) {
            p.close();
        }
        originHub.stop();
        edgeHub.stop();
        // Everything the origin published has been released by now (the leak check would find it later, too).
        assertThat(Poll.until(WAIT, () -> published.stream().allMatch(b -> b.refCnt() == 0)))
                .as("every published payload released").isTrue();
    }

    @Test
    void theEdgeHubGetsTheSamePacketsStartingAtTheOriginsGopCache() throws Exception {
        StreamKey key = StreamKey.of("live", "cam1");
        Publication pub = publish(key);
        send(pub, TestMedia.VIDEO, -40_000, -40_000, false, 900); // before any keyframe: never relayed
        send(pub, TestMedia.VIDEO, 0, 80_000, true, 30_000);
        send(pub, TestMedia.AUDIO, 10_000, 10_000, true, 371);
        send(pub, TestMedia.VIDEO, 40_000, 120_000, false, 4_000);
        List<Sent> gop = new ArrayList<>();
        gop.add(send(pub, TestMedia.VIDEO, 2_000_000, 2_080_000, true, 40_000));
        gop.add(send(pub, TestMedia.AUDIO, 2_010_000, 2_010_000, true, 380));
        gop.add(send(pub, TestMedia.VIDEO, 2_040_000, 2_160_000, false, 5_000));

        List<String> ends = new ArrayList<>();
        RelayedStream relayed = RelayedStream.open(client, edgeHub, key, ends::add);
        assertThat(Poll.until(WAIT, () -> relayed.packets() == 3)).as("the GOP cache relayed").isTrue();
        assertThat(relayed.isLive()).isTrue();
        StreamInfo info = edgeHub.stream(key).orElseThrow();
        assertThat(info.tracks()).containsExactly(TestMedia.VIDEO, TestMedia.AUDIO);

        try (HubWatcher viewer = new HubWatcher(edgeHub, key)) {
            for (Sent expected : gop) {
                assertSame(expected, viewer.next());
            }
            Sent liveAudio = send(pub, TestMedia.AUDIO, 2_033_000, 2_033_000, true, 377);
            Sent liveVideo = send(pub, TestMedia.VIDEO, 2_080_000, 2_200_000, false, 6_000);
            assertSame(liveAudio, viewer.next());
            assertSame(liveVideo, viewer.next());

            pub.close();
            assertThat(Poll.until(WAIT, viewer.subscription::isEnded)).as("the edge's viewer hears the end").isTrue();
            assertThat(viewer.subscription.endReason()).isEqualTo(EndReason.PUBLISHER_LEFT);
        }
        assertThat(ends).containsExactly("ended on the origin: publisher left");
        assertThat(edgeHub.stream(key)).isEmpty();
        assertThat(relayed.isLive()).isFalse();
        assertThat(Poll.until(WAIT, () -> server.statistics().subscriptionsOpen() == 0)).isTrue();
        assertThat(client.upstreamSubscriptions()).isZero();
    }

    @Test
    void twoStreamsShareOneConnection() throws Exception {
        StreamKey a = StreamKey.of("live", "a");
        StreamKey b = StreamKey.of("live", "b");
        send(publish(a), TestMedia.VIDEO, 0, 0, true, 1000);
        send(publish(b), TestMedia.VIDEO, 0, 0, true, 2000);
        RelayedStream ra = RelayedStream.open(client, edgeHub, a, reason -> { });
        RelayedStream rb = RelayedStream.open(client, edgeHub, b, reason -> { });
        assertThat(Poll.until(WAIT, () -> ra.packets() == 1 && rb.packets() == 1)).isTrue();

        RelayStatistics stats = server.statistics();
        assertThat(stats.connectionsOpen()).isEqualTo(1);
        assertThat(stats.subscriptionsOpen()).isEqualTo(2);
        assertThat(stats.packetsSent()).isEqualTo(2);
        assertThat(stats.payloadBytesSent()).isEqualTo(3000);
        RelayStatistics.Connection c = stats.connections().get(0);
        assertThat(c.edgeId()).isEqualTo("edge-1");
        assertThat(c.streams()).containsExactlyInAnyOrder(a, b);
        assertThat(c.packetsSent()).isEqualTo(2);
        assertThat(edgeHub.streams()).extracting(StreamInfo::key).containsExactly(a, b);
        assertThat(client.upstreamSubscriptions()).isEqualTo(2);

        ra.close();
        assertThat(Poll.until(WAIT, () -> server.statistics().subscriptionsOpen() == 1)).isTrue();
        assertThat(Poll.until(WAIT, () -> edgeHub.stream(a).isEmpty())).isTrue();
        assertThat(edgeHub.stream(b)).isPresent();
        assertThat(originHub.stream(a).orElseThrow().subscribers()).isZero();
        rb.close();
    }

    @Test
    void tenHandlersOfOneKeyShareOneUpstreamSubscription() throws Exception {
        StreamKey key = StreamKey.of("live", "popular");
        Publication pub = publish(key);
        send(pub, TestMedia.VIDEO, 0, 0, true, 500);
        List<Recorder> recorders = new ArrayList<>();
        List<RelayClient.RelaySubscription> subscriptions = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Recorder r = new Recorder();
                recorders.add(r);
                subscriptions.add(client.subscribe(key, r));
            }
            for (Recorder r : recorders) {
                assertThat(r.next()).isEqualTo("start live/popular");
            }
            assertThat(client.upstreamSubscriptions()).isEqualTo(1);
            assertThat(server.statistics().subscriptionsOpen()).isEqualTo(1);
            assertThat(originHub.stream(key).orElseThrow().subscribers()).isEqualTo(1);

            Sent live = send(pub, TestMedia.VIDEO, 40_000, 40_000, false, 700);
            for (Recorder r : recorders) {
                // the first handler got the cached keyframe; later ones joined where the packets were
                MediaPacket p = r.nextPacket();
                if (p.isKeyframe()) {
                    p.release();
                    p = r.nextPacket();
                }
                assertSame(live, p);
            }

            for (int i = 0; i < 9; i++) {
                subscriptions.get(i).close();
            }
            Sent more = send(pub, TestMedia.VIDEO, 80_000, 80_000, false, 800);
            assertSame(more, recorders.get(9).nextPacket());
            assertThat(recorders.get(0).poll(100)).as("closed handlers hear nothing").isNull();
            assertThat(originHub.stream(key).orElseThrow().subscribers()).isEqualTo(1);

            subscriptions.get(9).close();
            assertThat(Poll.until(WAIT, () -> originHub.stream(key).orElseThrow().subscribers() == 0))
                    .as("the last handler's close unsubscribes upstream").isTrue();
            assertThat(client.upstreamSubscriptions()).isZero();
            assertThat(recorders.get(9).poll(100)).isNull();
        } finally {
            recorders.forEach(Recorder::close);
        }
    }

    @Test
    void aTrackConfigurationChangeMidStreamArrivesAndTracksAreReusedUntilThen() throws Exception {
        StreamKey key = StreamKey.of("live", "change");
        Publication pub = publish(key);
        try (Recorder r = new Recorder()) {
            Sent k1 = send(pub, TestMedia.VIDEO, 0, 0, true, 1000);
            client.subscribe(key, r);
            assertThat(r.next()).isEqualTo("start live/change");
            assertThat(r.startTracks).containsExactly(TestMedia.VIDEO);
            MediaPacket p1 = r.nextPacket();
            Sent i1 = send(pub, TestMedia.VIDEO, 40_000, 40_000, false, 300);
            MediaPacket p2 = r.nextPacket();

            Track smaller = TestMedia.VIDEO.toBuilder().config(TestMedia.AVC_360P).size(640, 360).build();
            Sent k2 = send(pub, smaller, 80_000, 80_000, true, 800);
            Sent i2 = send(pub, smaller, 120_000, 120_000, false, 200);
            Track sameAgain = smaller.toBuilder().build(); // a new object, equal: nothing changed
            Sent i3 = send(pub, sameAgain, 160_000, 160_000, false, 210);
            MediaPacket p3 = r.nextPacket();
            MediaPacket p4 = r.nextPacket();
            MediaPacket p5 = r.nextPacket();
            assertThat(p2.track()).as("one Track per configuration").isSameAs(p1.track());
            assertThat(p3.track()).isNotSameAs(p2.track());
            assertThat(p3.track().config()).isEqualTo(TestMedia.AVC_360P);
            assertThat(p3.track().width()).isEqualTo(640);
            assertThat(p4.track()).isSameAs(p3.track());
            assertThat(p5.track()).as("an equal track is no change").isSameAs(p3.track());
            assertSame(k1, p1); // each releases its packet
            assertSame(i1, p2);
            assertSame(k2, p3);
            assertSame(i2, p4);
            assertSame(i3, p5);
        }
    }

    @Test
    void aStreamThatIsNotLiveIsNotFound() throws Exception {
        StreamKey key = StreamKey.of("live", "nobody");
        try (Recorder r = new Recorder()) {
            client.subscribe(key, r);
            assertThat(r.next()).isEqualTo("not found live/nobody is not live on origin origin-1");
        }
        List<String> ends = new ArrayList<>();
        RelayedStream relayed = RelayedStream.open(client, edgeHub, key, ends::add);
        assertThat(Poll.until(WAIT, () -> !ends.isEmpty())).isTrue();
        assertThat(ends).containsExactly("not found on the origin: live/nobody is not live on origin origin-1");
        assertThat(relayed.isLive()).isFalse();
        assertThat(edgeHub.streams()).isEmpty();
        assertThat(client.upstreamSubscriptions()).isZero();
        assertThat(client.isOpen()).as("the connection stays").isTrue();
    }

    @Test
    void closingARelayedStreamUnpublishesItOnTheEdgeAndLeavesTheOrigin() throws Exception {
        StreamKey key = StreamKey.of("live", "brief");
        send(publish(key), TestMedia.VIDEO, 0, 0, true, 1000);
        List<String> ends = new ArrayList<>();
        RelayedStream relayed = RelayedStream.open(client, edgeHub, key, ends::add);
        assertThat(Poll.until(WAIT, () -> relayed.packets() == 1)).isTrue();
        relayed.close();
        assertThat(Poll.until(WAIT, () -> edgeHub.stream(key).isEmpty())).isTrue();
        assertThat(Poll.until(WAIT, () -> originHub.stream(key).orElseThrow().subscribers() == 0)).isTrue();
        assertThat(ends).as("the owner closed it: no callback").isEmpty();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aStreamAlreadyLiveOnTheEdgeIsNotRepublished() throws Exception {
        StreamKey key = StreamKey.of("live", "twice");
        send(publish(key), TestMedia.VIDEO, 0, 0, true, 1000);
        Publication local = edgeHub.publish(key);
        try {
            List<String> ends = new ArrayList<>();
            RelayedStream.open(client, edgeHub, key, ends::add);
            assertThat(Poll.until(WAIT, () -> !ends.isEmpty())).isTrue();
            assertThat(ends).containsExactly("already live on this edge");
            assertThat(Poll.until(WAIT, () -> originHub.stream(key).orElseThrow().subscribers() == 0)).isTrue();
        } finally {
            local.close();
        }
    }

    @Test
    void aKilledOriginIsNoticedAtOnceAndItsStreamsEndOnTheEdge() throws Exception {
        StreamKey key = StreamKey.of("live", "doomed");
        send(publish(key), TestMedia.VIDEO, 0, 0, true, 1000);
        List<String> ends = new ArrayList<>();
        RelayedStream relayed = RelayedStream.open(client, edgeHub, key, ends::add);
        try (Recorder r = new Recorder()) {
            client.subscribe(key, r);
            assertThat(r.next()).isEqualTo("start live/doomed");
            assertThat(Poll.until(WAIT, () -> relayed.packets() == 1)).isTrue();
            long killed = System.nanoTime();
            server.close();
            String reason = lost.get(3, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(lostAtNanos - killed)).isLessThan(Duration.ofSeconds(3));
            assertThat(reason).isEqualTo("the origin closed the connection");
            assertThat(r.nextNotPacket()).isEqualTo("lost the origin closed the connection");
        }
        assertThat(ends).containsExactly("lost the origin: the origin closed the connection");
        assertThat(edgeHub.stream(key)).as("the edge's viewers hear the end").isEmpty();
        assertThat(client.isOpen()).isFalse();
        try (Recorder late = new Recorder()) {
            client.subscribe(key, late);
            assertThat(late.next()).isEqualTo("lost the origin closed the connection");
        }
    }

    @Test
    void aStreamThatLosesItsOriginIsHeldAndResumesFromAnotherOriginOnAFollowingTimeLine() throws Exception {
        StreamKey key = StreamKey.of("live", "failover");
        Publication first = publish(key);
        send(first, TestMedia.VIDEO, 5_000_000, 5_000_000, true, 2000);
        send(first, TestMedia.AUDIO, 5_010_000, 5_010_000, true, 300);
        send(first, TestMedia.VIDEO, 5_040_000, 5_040_000, false, 500);
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        List<String> ends = new CopyOnWriteArrayList<>();
        List<String> interruptions = new CopyOnWriteArrayList<>();
        RelayedStream relayed = RelayedStream.open(client, edgeHub, key, ends::add, interruptions::add, clock::get);
        assertThat(Poll.until(WAIT, () -> relayed.packets() == 3)).isTrue();
        DefaultStreamHub secondHub = new DefaultStreamHub();
        RelayServer second = new RelayServer(secondHub, originLoops, () -> SECRET, "origin-2");
        try (HubWatcher viewer = new HubWatcher(edgeHub, key)) {
            for (int i = 0; i < 3; i++) {
                viewer.next().release();
            }
            server.close(); // the origin dies
            assertThat(Poll.until(WAIT, () -> !interruptions.isEmpty())).isTrue();
            assertThat(interruptions).containsExactly("lost the origin: the origin closed the connection");
            assertThat(relayed.isInterrupted()).isTrue();
            assertThat(edgeHub.stream(key)).as("held for its viewers").isPresent();
            assertThat(viewer.subscription.isEnded()).isFalse();
            clock.addAndGet(3_000_000_000L); // three seconds later the publisher is back, on another origin

            assertThat(second.bind("127.0.0.1", 0)).isTrue();
            Publication again = secondHub.publish(key);
            publications.add(again);
            send(again, TestMedia.VIDEO, 0, 40_000, true, 2100);
            send(again, TestMedia.AUDIO, 5_000, 5_000, true, 310);
            send(again, TestMedia.VIDEO, 40_000, 80_000, false, 510);
            RelayClient other = connect(second.localAddress().getPort()).get(5, TimeUnit.SECONDS);
            try {
                relayed.resume(other);
                // 5.04 s was the last packet; 3 s of wall time passed: the new time line starts at 8.04 s
                MediaPacket k = viewer.next();
                MediaPacket a = viewer.next();
                MediaPacket v = viewer.next();
                assertThat(List.of(k.dts(), k.pts(), a.dts(), v.dts(), v.pts()))
                        .containsExactly(8_040_000L, 8_080_000L, 8_045_000L, 8_080_000L, 8_120_000L);
                assertThat(List.of(k.isDiscontinuity(), a.isDiscontinuity(), v.isDiscontinuity()))
                        .as("the first packet of each track starts the new time line")
                        .containsExactly(true, true, false);
                assertThat(k.isVideoKeyframe()).isTrue();
                List.of(k, a, v).forEach(MediaPacket::release);
                assertThat(relayed.isInterrupted()).isFalse();
                assertThat(Poll.until(WAIT, () -> relayed.packets() == 6)).isTrue();

                send(again, TestMedia.VIDEO, 80_000, 120_000, false, 520);
                MediaPacket later = viewer.next();
                assertThat(later.dts()).isEqualTo(8_120_000L);
                assertThat(later.isDiscontinuity()).isFalse();
                later.release();
                again.close();
                assertThat(Poll.until(WAIT, viewer.subscription::isEnded)).isTrue();
                assertThat(viewer.subscription.endReason()).isEqualTo(EndReason.PUBLISHER_LEFT);
                assertThat(ends).containsExactly("ended on the origin: publisher left");
            } finally {
                other.close();
            }
        } finally {
            second.close();
            secondHub.stop();
        }
    }

    @Test
    void aStreamResumedFromTheSameOriginGoesOnWithoutRepeatingWhatWasSent() throws Exception {
        StreamKey key = StreamKey.of("live", "blip");
        Publication pub = publish(key);
        send(pub, TestMedia.VIDEO, 0, 0, true, 2000);
        send(pub, TestMedia.AUDIO, 10_000, 10_000, true, 300);
        send(pub, TestMedia.VIDEO, 40_000, 40_000, false, 500);
        List<String> interruptions = new CopyOnWriteArrayList<>();
        RelayedStream relayed = RelayedStream.open(client, edgeHub, key, reason -> { }, interruptions::add,
                System::nanoTime);
        assertThat(Poll.until(WAIT, () -> relayed.packets() == 3)).isTrue();
        try (HubWatcher viewer = new HubWatcher(edgeHub, key)) {
            for (int i = 0; i < 3; i++) {
                viewer.next().release();
            }
            client.close(); // the connection breaks; the origin still has the stream
            assertThat(Poll.until(WAIT, () -> !interruptions.isEmpty())).isTrue();
            Sent next = send(pub, TestMedia.VIDEO, 80_000, 80_000, false, 600);
            client = connect(server.localAddress().getPort()).get(5, TimeUnit.SECONDS);
            relayed.resume(client);
            // the origin replays its GOP cache from the keyframe at 0: only what the edge lacks goes on
            assertSame(next, viewer.next());
            assertThat(viewer.poll(200)).isNull();
            assertThat(relayed.isInterrupted()).isFalse();
        }
        relayed.close();
    }

    @Test
    void anInterruptedStreamThatIsNotFoundStaysHeldUntilItsOwnerClosesIt() throws Exception {
        StreamKey key = StreamKey.of("live", "gone");
        Publication pub = publish(key);
        send(pub, TestMedia.VIDEO, 0, 0, true, 2000);
        List<String> ends = new CopyOnWriteArrayList<>();
        List<String> interruptions = new CopyOnWriteArrayList<>();
        RelayedStream relayed = RelayedStream.open(client, edgeHub, key, ends::add, interruptions::add,
                System::nanoTime);
        assertThat(Poll.until(WAIT, () -> relayed.packets() == 1)).isTrue();
        try (HubWatcher viewer = new HubWatcher(edgeHub, key)) {
            viewer.next().release();
            client.close();
            assertThat(Poll.until(WAIT, () -> interruptions.size() == 1)).isTrue();
            pub.close(); // meanwhile the publisher left the origin
            client = connect(server.localAddress().getPort()).get(5, TimeUnit.SECONDS);
            relayed.resume(client);
            assertThat(Poll.until(WAIT, () -> interruptions.size() == 2)).isTrue();
            assertThat(interruptions.get(1)).startsWith("not found on the origin: ");
            assertThat(relayed.isInterrupted()).isTrue();
            assertThat(viewer.subscription.isEnded()).isFalse();
            relayed.close(); // the owner gives up
            assertThat(Poll.until(WAIT, viewer.subscription::isEnded)).isTrue();
            assertThat(viewer.subscription.endReason()).isEqualTo(EndReason.PUBLISHER_LEFT);
        }
        assertThat(ends).as("closed by its owner: no callback").isEmpty();
        assertThat(edgeHub.stream(key)).isEmpty();
    }

    @Test
    void aSilentOriginIsNoticedWithinThreeSeconds() throws Exception {
        try (FakeOrigin frozen = new FakeOrigin(true); Recorder r = new Recorder()) {
            client.close();
            client = connect(frozen.port()).get(5, TimeUnit.SECONDS);
            long welcomed = System.nanoTime();
            assertThat(client.originId()).isEqualTo("frozen-origin");
            client.subscribe(StreamKey.of("live", "cam1"), r);
            String reason = lost.get(4, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(lostAtNanos - welcomed);
            System.out.println("silent origin noticed after " + took.toMillis() + " ms");
            assertThat(took).isBetween(RelayProtocol.EDGE_READ_TIMEOUT.minusMillis(100), Duration.ofSeconds(3));
            assertThat(reason).startsWith("nothing heard from the origin for ");
            assertThat(r.next()).isEqualTo("lost " + reason);
        }
    }

    @Test
    void aRenditionOnTheOriginIsARenditionOfItsSourceOnTheEdge() throws Exception {
        StreamKey source = StreamKey.of("live", "cam1");
        StreamKey rendition = StreamKey.of("live", "cam1_240p");
        Publication pub = originHub.publish(rendition, PublishOptions.DEFAULTS.withRenditionOf(source));
        publications.add(pub);
        send(pub, TestMedia.VIDEO, 0, 0, true, 1_000);
        RelayedStream relayed = RelayedStream.open(client, edgeHub, rendition, reason -> { });
        assertThat(Poll.until(WAIT, relayed::isLive)).isTrue();
        assertThat(edgeHub.stream(rendition).orElseThrow().renditionOf()).contains(source);
        relayed.close();
    }

    @Test
    void anEdgeConnectsToAnOriginOfVersion1WithVersion1() throws Exception {
        try (FakeOrigin old = FakeOrigin.ofVersion1()) {
            RelayClient c = connect(old.port()).get(5, TimeUnit.SECONDS);
            try {
                assertThat(c.originId()).isEqualTo("old-origin");
                assertThat(old.helloVersions).as("version 2 refused, then version 1").containsExactly(2, 1);
            } finally {
                c.close();
            }
        }
    }

    @Test
    void anOriginThatNeverAnswersTheHelloFailsTheConnect() throws Exception {
        try (FakeOrigin mute = new FakeOrigin(false)) {
            long start = System.nanoTime();
            CompletableFuture<RelayClient> connecting = connect(mute.port());
            assertThatThrownBy(() -> connecting.get(4, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class)
                    .hasMessageContaining("failed: no WELCOME from the origin within");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
        }
        assertThat(lost).as("the listener is for connections that were up").isNotDone();
    }

    @Test
    void aClosedPortFailsTheConnect() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> connect(closed).get(5, TimeUnit.SECONDS)).cause().isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot connect to the relay origin 127.0.0.1:" + closed + ": ");
    }

    @Test
    void aLongerRunArrivesWholeInOrderAndLeavesNothingBehind() throws Exception {
        StreamKey key = StreamKey.of("live", "long");
        Publication pub = publish(key);
        List<Sent> expected = new ArrayList<>();
        expected.add(send(pub, TestMedia.VIDEO, 0, 0, true, 150_000));
        RelayedStream relayed = RelayedStream.open(client, edgeHub, key, reason -> { });
        assertThat(Poll.until(WAIT, () -> relayed.packets() == 1)).isTrue();
        try (HubWatcher viewer = new HubWatcher(edgeHub, key)) {
            // 30 GOPs of 15 frames, 3 ms apart in media time so the relay's 5 s queue never overflows
            long dts = 0;
            for (int gop = 0; gop < 30; gop++) {
                for (int frame = 0; frame < 15; frame++) {
                    dts += 3_000;
                    if (gop == 0 && frame == 0) {
                        continue;
                    }
                    boolean key0 = frame == 0;
                    expected.add(send(pub, TestMedia.VIDEO, dts, dts + 6_000, key0, key0 ? 100_000 + gop * 1000
                            : 5_000 + frame * 700));
                    if (frame % 2 == 0) {
                        expected.add(send(pub, TestMedia.AUDIO, dts + 1_000, dts + 1_000, true, 300 + frame));
                    }
                }
            }
            for (Sent s : expected) {
                assertSame(s, viewer.next());
            }
            assertThat(viewer.poll(50)).isNull();
        }
        pub.close();
        assertThat(Poll.until(WAIT, () -> edgeHub.stream(key).isEmpty())).isTrue();
        assertThat(edgeHub.statistics().droppedPackets()).isZero();
        assertThat(server.statistics().packetsSent()).isEqualTo(expected.size());
        assertThat(client.packetsReceived()).isEqualTo(expected.size());
    }

    // ---- helpers ----

    private Publication publish(StreamKey key) throws Exception {
        Publication p = originHub.publish(key);
        publications.add(p);
        return p;
    }

    private Sent send(Publication pub, Track track, long dts, long pts, boolean keyframe, int size) {
        int seed = published.size();
        MediaPacket p = TestMedia.packet(track, dts, pts, keyframe, size, seed);
        published.add(p.content());
        Sent s = new Sent(track, dts, pts, p.isKeyframe(), TestMedia.bytes(size, seed));
        pub.send(p);
        return s;
    }

    /** The edge's packet is the origin's: timestamps, flags, payload, and an equal (rebuilt) track. Releases it. */
    private static void assertSame(Sent expected, MediaPacket actual) {
        try {
            assertThat(actual.dts()).isEqualTo(expected.dts());
            assertThat(actual.pts()).isEqualTo(expected.pts());
            assertThat(actual.isKeyframe()).isEqualTo(expected.keyframe());
            assertThat(ByteBufUtil.getBytes(actual.content())).isEqualTo(expected.payload());
            Track t = actual.track();
            assertThat(t).isEqualTo(expected.track()).isNotSameAs(expected.track());
            assertThat(t.codec()).isEqualTo(expected.track().codec());
            assertThat(t.config()).isEqualTo(expected.track().config());
            assertThat(t.width()).isEqualTo(expected.track().width());
            assertThat(t.height()).isEqualTo(expected.track().height());
            assertThat(t.sampleRate()).isEqualTo(expected.track().sampleRate());
        } finally {
            actual.release();
        }
    }
}
