package io.aqueduct.rtmp.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.core.internal.net.NioEventLoops;
import io.aqueduct.rtmp.internal.chunk.RtmpConstants;
import io.aqueduct.rtmp.internal.chunk.RtmpMessage;
import io.aqueduct.rtmp.internal.flv.FlvToMedia;
import io.aqueduct.rtmp.internal.server.RtmpServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.access.StreamAccessPolicy;
import io.aqueduct.api.stream.StreamSource;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against the real server and hub over loopback. */
class RtmpPlayClientTest {
    /** From ffmpeg 5.1 with libx264 (1280x720 High 3.1). */
    private static final String AVC_720P =
            "0164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800";
    private static final long WAIT_SECONDS = 5;

    private static DefaultStreamHub hub;
    private static RtmpServer server;
    private static NioEventLoops loops;
    private static EventLoopGroup group;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        hub = new DefaultStreamHub();
        loops = new NioEventLoops(1);
        server = new RtmpServer(hub, loops);
        port = freePort();
        // activate/deactivate are the component's package-private lifecycle methods, called by SCR in the appliance
        lifecycle("activate", Map.class).invoke(server, Map.of("host", "127.0.0.1", "port", port));
        group = loops.group(); // the client shares the node's event loops with the server, as on an edge
    }

    @AfterAll
    static void stopServer() throws Exception {
        lifecycle("deactivate").invoke(server);
        hub.stop();
        loops.close();
    }

    @Test
    void playsFromTheGopCacheThenLiveThenHearsTheUnpublish() throws Exception {
        try (Publisher pub = new Publisher(StreamKey.of("live", "cam1"))) {
            pub.video(0, "17 00 000000" + AVC_720P);
            String keyframe = "17 01 000000 00000005 6588800001";
            pub.video(0, keyframe);

            Events events = new Events();
            RtmpPlayClient client = RtmpPlayClient.connect(group, URI.create("rtmp://127.0.0.1:" + port + "/live/cam1"), events);
            assertEquals("start", events.next());
            RtmpMessage header = events.nextMedia(RtmpConstants.TYPE_VIDEO);
            assertEquals("1700000000" + AVC_720P, ByteBufUtil.hexDump(header.content()), "the AVC sequence header first");
            header.release();
            RtmpMessage key = events.nextMedia(RtmpConstants.TYPE_VIDEO);
            assertEquals(keyframe.replace(" ", ""), ByteBufUtil.hexDump(key.content()), "then the cached keyframe");
            assertEquals(0, key.timestamp());
            key.release();

            String inter40 = "27 01 000000 00000003 419a02";
            pub.video(40, inter40);
            RtmpMessage inter = events.nextMedia(RtmpConstants.TYPE_VIDEO);
            assertEquals(40, inter.timestamp());
            assertEquals(inter40.replace(" ", ""), ByteBufUtil.hexDump(inter.content()));
            inter.release();
            assertTrue(client.started());

            pub.close();
            assertEquals("end NetStream.Play.UnpublishNotify", events.nextNotMedia());
            assertTrue(client.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS), "closed after the end");
        }
    }

    @Test
    void aStreamNobodyPublishesIsStreamNotFound() throws Exception {
        Events events = new Events();
        RtmpPlayClient.connect(group, URI.create("rtmp://127.0.0.1:" + port + "/live/nobody"), events);
        RtmpClientException error = events.nextError();
        assertEquals("NetStream.Play.StreamNotFound", error.code());
        assertTrue(error.getMessage().contains("live/nobody"), error.getMessage());
        assertNull(events.poll(), "nothing after the last call");
    }

    @Test
    void anAccessPolicyCanRefuseAPlayAndSeesTheQueryParameters() throws Exception {
        List<AccessRequest> asked = new CopyOnWriteArrayList<>();
        StreamAccessPolicy policy = new StreamAccessPolicy() {
            @Override
            public String checkPublish(AccessRequest request) {
                return null;
            }

            @Override
            public String checkPlay(AccessRequest request) {
                asked.add(request);
                return "secret".equals(request.parameters().get("token")) ? null : "a valid token is required";
            }
        };
        Method add = RtmpServer.class.getDeclaredMethod("addPolicy", StreamAccessPolicy.class);
        add.setAccessible(true);
        add.invoke(server, policy);
        try (Publisher publisher = new Publisher(StreamKey.of("live", "guarded"))) {
            Events refused = new Events();
            RtmpPlayClient.connect(group, URI.create("rtmp://127.0.0.1:" + port + "/live/guarded?token=wrong"), refused);
            RtmpClientException error = refused.nextError();
            assertEquals("NetStream.Play.Failed", error.code());
            assertTrue(error.getMessage().contains("a valid token is required"), error.getMessage());
            assertEquals("rtmp", asked.get(0).protocol());
            assertEquals(StreamKey.of("live", "guarded"), asked.get(0).key(), "the query is not part of the name");

            Events allowed = new Events();
            RtmpPlayClient client = RtmpPlayClient.connect(group,
                    URI.create("rtmp://127.0.0.1:" + port + "/live/guarded?token=secret"), allowed);
            assertEquals("start", allowed.next(), "the right token plays");
            client.close();
            assertEquals("end closed by the client", allowed.nextNotMedia());
        } finally {
            Method remove = RtmpServer.class.getDeclaredMethod("removePolicy", StreamAccessPolicy.class);
            remove.setAccessible(true);
            remove.invoke(server, policy);
        }
    }

    @Test
    void aStreamThatASourceBringsInPlaysWhenItArrives() throws Exception {
        String keyframe = "17 01 000000 00000005 6588800001";
        Publisher[] pulled = new Publisher[1];
        StreamSource edge = key -> CompletableFuture.supplyAsync(() -> {
            try { // as an edge pulling from its origin: the stream shows up in the hub a moment later
                pulled[0] = new Publisher(key);
                pulled[0].video(0, "17 00 000000" + AVC_720P);
                pulled[0].video(0, keyframe);
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        lifecycle("addSource", StreamSource.class).invoke(server, edge);
        try {
            Events events = new Events();
            RtmpPlayClient.connect(group, URI.create("rtmp://127.0.0.1:" + port + "/live/remote"), events);
            assertEquals("start", events.next());
            events.nextMedia(RtmpConstants.TYPE_VIDEO).release(); // the sequence header
            RtmpMessage key = events.nextMedia(RtmpConstants.TYPE_VIDEO);
            assertEquals(keyframe.replace(" ", ""), ByteBufUtil.hexDump(key.content()));
            key.release();
        } finally {
            lifecycle("removeSource", StreamSource.class).invoke(server, edge);
            if (pulled[0] != null) {
                pulled[0].close();
            }
        }
    }

    @Test
    void aSourceThatCannotBringTheStreamSaysWhy() throws Exception {
        StreamSource edge = key -> CompletableFuture.completedFuture("no origin has " + key + " (looked up in the registry)");
        lifecycle("addSource", StreamSource.class).invoke(server, edge);
        try {
            Events events = new Events();
            RtmpPlayClient.connect(group, URI.create("rtmp://127.0.0.1:" + port + "/live/elsewhere"), events);
            RtmpClientException error = events.nextError();
            assertEquals("NetStream.Play.StreamNotFound", error.code());
            assertTrue(error.getMessage().contains("no stream live/elsewhere is being published: no origin has "
                    + "live/elsewhere (looked up in the registry)"), error.getMessage());
        } finally {
            lifecycle("removeSource", StreamSource.class).invoke(server, edge);
        }
    }

    @Test
    void aClosedPortIsAClearError() throws Exception {
        Events events = new Events();
        int closed = freePort();
        RtmpPlayClient.connect(group, URI.create("rtmp://127.0.0.1:" + closed + "/live/cam1"), events);
        RtmpClientException error = events.nextError();
        assertNull(error.code());
        assertTrue(error.getMessage().startsWith("cannot connect to rtmp://127.0.0.1:" + closed + "/live/cam1: "),
                error.getMessage());
    }

    @Test
    void closeEndsThePlayAndLeavesTheStream() throws Exception {
        StreamKey key = StreamKey.of("live", "cam2");
        try (Publisher pub = new Publisher(key)) {
            pub.video(0, "17 00 000000" + AVC_720P);
            Events events = new Events();
            RtmpPlayClient client = RtmpPlayClient.connect(group, URI.create("rtmp://127.0.0.1:" + port + "/live/cam2"), events);
            assertEquals("start", events.next());
            Events second = new Events();
            RtmpPlayClient other = RtmpPlayClient.connect(group, URI.create("rtmp://127.0.0.1:" + port + "/live/cam2"), second);
            assertEquals("start", second.next());
            assertEquals(Map.of(key, 2), server.viewers(), "two players of live/cam2");
            client.close();
            assertEquals("end closed by the client", events.nextNotMedia());
            assertTrue(client.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (hub.stream(key).orElseThrow().subscribers() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, hub.stream(key).orElseThrow().subscribers(), "the server let go of the player");
            assertEquals(Map.of(key, 1), server.viewers(), "one player left");
            other.close();
            assertEquals("end closed by the client", second.nextNotMedia()); // releases what it was sent
            assertTrue(other.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS));
            while (!server.viewers().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(Map.of(), server.viewers(), "no players");
        }
    }

    @Test
    void urlsSplitIntoApplicationAndStream() {
        RtmpUrl url = RtmpUrl.parse("rtmp://origin.example:1936/live/cam1?token=abc");
        assertEquals(new RtmpUrl("origin.example", 1936, "live", "cam1?token=abc"), url);
        assertEquals("rtmp://origin.example:1936/live", url.tcUrl());
        assertEquals(1935, RtmpUrl.parse("rtmp://h/live/a/b").port());
        assertEquals("a/b", RtmpUrl.parse("rtmp://h/live/a/b").stream());
        assertThrows(IllegalArgumentException.class, () -> RtmpUrl.parse("rtmp://h/live"));
        assertThrows(IllegalArgumentException.class, () -> RtmpUrl.parse("rtmp://h/live/"));
        assertThrows(IllegalArgumentException.class, () -> RtmpUrl.parse("http://h/live/a"));
    }

    /** Publishes FLV tag bodies into the hub, as the server does for an RTMP publisher. */
    private static final class Publisher implements AutoCloseable {
        private final Publication publication;
        private final FlvToMedia mapper = new FlvToMedia();
        private boolean closed;

        Publisher(StreamKey key) throws Exception {
            publication = hub.publish(key);
        }

        void video(long ts, String hex) throws Exception {
            ByteBuf body = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
            try {
                var packet = mapper.video(ts, body);
                if (packet != null) {
                    publication.send(packet);
                }
            } finally {
                body.release();
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                publication.close();
            }
        }
    }

    /** What the listener heard, in order: "start", media messages, "end <reason>", or the error. */
    private static final class Events implements RtmpPlayClient.Listener {
        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

        @Override
        public void onStart() {
            queue.add("start");
        }

        @Override
        public void onMessage(RtmpMessage message) {
            queue.add(message);
        }

        @Override
        public void onEnd(String reason) {
            queue.add("end " + reason);
        }

        @Override
        public void onError(RtmpClientException error) {
            queue.add(error);
        }

        Object next() throws InterruptedException {
            Object o = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(o, "nothing heard within " + WAIT_SECONDS + " s");
            return o;
        }

        Object poll() throws InterruptedException {
            return queue.poll(100, TimeUnit.MILLISECONDS);
        }

        /** The next message of {@code type}, releasing the others (onMetaData, |RtmpSampleAccess) on the way. */
        RtmpMessage nextMedia(int type) throws InterruptedException {
            while (true) {
                Object o = next();
                RtmpMessage m = assertInstanceOf(RtmpMessage.class, o, "expected a message, got " + o);
                if (m.typeId() == type) {
                    return m;
                }
                m.release();
            }
        }

        Object nextNotMedia() throws InterruptedException {
            while (true) {
                Object o = next();
                if (!(o instanceof RtmpMessage m)) {
                    return o;
                }
                m.release();
            }
        }

        RtmpClientException nextError() throws InterruptedException {
            Object o = nextNotMedia();
            return assertInstanceOf(RtmpClientException.class, o, "expected an error, got " + o);
        }
    }

    private static Method lifecycle(String name, Class<?>... parameters) throws NoSuchMethodException {
        Method m = RtmpServer.class.getDeclaredMethod(name, parameters);
        m.setAccessible(true);
        return m;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
