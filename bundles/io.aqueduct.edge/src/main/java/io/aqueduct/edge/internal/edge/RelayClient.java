package io.aqueduct.edge.internal.edge;

import io.aqueduct.api.log.LogSafe;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.net.EventLoops;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.edge.internal.wire.ReadActivity;
import io.aqueduct.edge.internal.wire.RelayFrame;
import io.aqueduct.edge.internal.wire.RelayFrameDecoder;
import io.aqueduct.edge.internal.wire.RelayFrameEncoder;
import io.aqueduct.edge.internal.wire.RelayProtocol;
import io.aqueduct.edge.internal.wire.RelayProtocolException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An edge's connection to one origin's relay port, shared by every stream this edge pulls from that origin.
 *
 * <pre>{@code
 * RelayClient.connect(loops, "10.0.0.5", 5000, "edge-1", RelayToken.issue(secret, "edge-1", now), listener)
 *         .thenAccept(client -> client.subscribe(StreamKey.parse("live/cam1"), handler));
 * }</pre>
 *
 * <p>{@link #connect} sends the HELLO; its future completes with the client once the origin's WELCOME arrives, and
 * fails with a {@link RelayRefusedException} when the origin refuses the token, or with an {@link IOException} when
 * the connection cannot be made or the origin does not answer within {@link RelayProtocol#EDGE_READ_TIMEOUT}.
 *
 * <p>Every stream key is subscribed once upstream however many {@link StreamHandler}s subscribe to it; each
 * handler gets its own reference to every packet. Packets carry a {@link Track} rebuilt from the origin's TRACK
 * frames and reused until the track changes, so consumers notice configuration changes by identity, as with the
 * hub's own packets. A handler that subscribes to a key already flowing joins where the packets are (the edge
 * hub's GOP cache, not this client, serves late viewers).
 *
 * <p>The origin PINGs every {@link RelayProtocol#PING_INTERVAL}; the client answers with PONG and treats the origin
 * as lost when nothing at all arrived for {@link RelayProtocol#EDGE_READ_TIMEOUT}. On loss every handler hears
 * {@link StreamHandler#lost} and then the {@link Listener} once; the client does not reconnect (the owner decides
 * where to: the stream may be live on another origin by then).
 *
 * <p>Handlers and the listener are called on the connection's event loop ({@link #eventLoop()}), one call at a
 * time; they must not block.
 */
public final class RelayClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayClient.class);
    /** The TCP connection must be made within this. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Hears that the connection ended without {@link #close()}. */
    @FunctionalInterface
    public interface Listener {
        /**
         * The connection is gone: the origin closed it or died (nothing heard for
         * {@link RelayProtocol#EDGE_READ_TIMEOUT}), refused the edge, or broke the protocol. Called once, after
         * every handler heard {@link StreamHandler#lost}; not called when the connection never got its WELCOME
         * (the future of {@link #connect} fails instead).
         */
        void connectionLost(RelayClient client, String reason);
    }

    /** Receives one relayed stream. Exactly one of end, notFound and lost ends it, unless it is closed first. */
    public interface StreamHandler {
        /**
         * The origin relays the stream; {@code tracks} are its tracks as the origin knew them then, and
         * {@code renditionOf} the stream its publisher declared it a rendition of (always empty from a version 1
         * origin).
         */
        void start(StreamKey key, Optional<StreamKey> renditionOf, List<Track> tracks);

        /** A packet of the stream; the handler owns it and releases it (or hands it on). */
        void packet(MediaPacket packet);

        /** The origin ended the stream ({@code "publisher left"}, {@code "origin hub stopped"}, ...). */
        void end(String reason);

        /** The stream is not live on the origin. */
        void notFound(String reason);

        /** The connection to the origin is gone. */
        void lost(String reason);
    }

    /** One handler's subscription to a key; {@link #close()} unsubscribes it. */
    public final class RelaySubscription implements AutoCloseable {
        private final StreamKey key;
        private final StreamHandler handler;
        private volatile boolean closed;
        /** Event loop only. */
        private Upstream upstream;

        private RelaySubscription(StreamKey key, StreamHandler handler) {
            this.key = key;
            this.handler = handler;
        }

        public StreamKey key() {
            return key;
        }

        /**
         * Unsubscribes: no call to the handler starts after this returns. When it was the key's last handler, the
         * client sends UNSUBSCRIBE; packets still in flight are dropped.
         */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                channel.eventLoop().execute(() -> detach(this));
            }
        }
    }

    /** One upstream subscription (one stream id on the wire), shared by the handlers of a key. Event loop only. */
    private static final class Upstream {
        final StreamKey key;
        final List<RelaySubscription> subscribers = new ArrayList<>();
        final Map<Integer, Track> tracks = new TreeMap<>();
        Optional<StreamKey> renditionOf = Optional.empty();
        int requestId;
        int streamId;
        int pendingTracks;
        boolean started;
        /** Every handler left: whatever still arrives for it is dropped. */
        boolean cancelled;

        Upstream(StreamKey key) {
            this.key = key;
        }
    }

    private final String origin;
    private final String edgeId;
    private final String token;
    private final Listener listener;
    private final Duration readTimeout;
    /** The protocol version this connection says in its HELLO. */
    private final int version;
    private final CompletableFuture<RelayClient> connected = new CompletableFuture<>();
    private final ReadActivity activity = new ReadActivity();
    private volatile Channel channel;

    /** The upstream subscription of each key with handlers; read by {@link #upstreamSubscriptions()}. */
    private final Map<StreamKey, Upstream> byKey = new ConcurrentHashMap<>();
    private final Map<Integer, Upstream> byRequest = new HashMap<>();
    private final IntObjectMap<Upstream> byStream = new IntObjectHashMap<>();
    private int nextRequestId = 1;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> readCheck;
    private boolean welcomed;
    private boolean closedByEdge;
    private String refusal;
    private volatile String originId;
    private volatile String lostReason;
    private volatile long packetsReceived;
    private volatile long payloadBytesReceived;

    private RelayClient(String origin, String edgeId, String token, Listener listener, Duration readTimeout,
            int version) {
        this.version = version;
        this.origin = origin;
        this.edgeId = edgeId;
        this.token = token;
        this.listener = listener;
        this.readTimeout = readTimeout;
    }

    /**
     * Connects to an origin's relay port on a channel of the node's event loops and says HELLO.
     *
     * @return completes with the client after the WELCOME (on the event loop); fails as described above
     * @throws IllegalArgumentException when the edge id or the token cannot go in a HELLO
     */
    public static CompletableFuture<RelayClient> connect(EventLoops loops, String host, int port, String edgeId,
            String token, Listener listener) {
        return connect(loops, host, port, edgeId, token, listener, RelayProtocol.EDGE_READ_TIMEOUT);
    }

    /**
     * Says the newest protocol version first; an origin older than it refuses the HELLO naming the version it speaks
     * ("protocol version 2 is not supported; this origin speaks 1"), and then the edge connects again with version
     * {@value RelayProtocol#MIN_VERSION}, so edges can be upgraded before their origins.
     */
    static CompletableFuture<RelayClient> connect(EventLoops loops, String host, int port, String edgeId,
            String token, Listener listener, Duration readTimeout) {
        CompletableFuture<RelayClient> result = new CompletableFuture<>();
        connect(loops, host, port, edgeId, token, listener, readTimeout, RelayProtocol.VERSION)
                .whenComplete((client, error) -> {
                    if (error instanceof RelayRefusedException r && r.reason().startsWith("protocol version "
                            + RelayProtocol.VERSION + " is not supported")) {
                        LOG.info("relay origin {}:{} speaks an older protocol: connecting with version {}", host,
                                port, RelayProtocol.MIN_VERSION);
                        connect(loops, host, port, edgeId, token, listener, readTimeout, RelayProtocol.MIN_VERSION)
                                .whenComplete((older, e) -> complete(result, older, e));
                    } else {
                        complete(result, client, error);
                    }
                });
        return result;
    }

    /** Completes {@code f} with the client, or with the very exception (not wrapped) a connection failed with. */
    private static void complete(CompletableFuture<RelayClient> f, RelayClient client, Throwable error) {
        if (error != null) {
            f.completeExceptionally(error);
        } else {
            f.complete(client);
        }
    }

    static CompletableFuture<RelayClient> connect(EventLoops loops, String host, int port, String edgeId,
            String token, Listener listener, Duration readTimeout, int version) {
        new RelayFrame.Hello(version, edgeId, token); // checks both before anything happens
        RelayClient client = new RelayClient(host + ":" + port, edgeId, token, Objects.requireNonNull(listener),
                readTimeout, version);
        Bootstrap b = new Bootstrap()
                .group(loops.group())
                .channel(loops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        client.channel = ch;
                        ch.pipeline().addLast("activity", client.activity)
                                .addLast("decoder", RelayFrameDecoder.atEdge())
                                .addLast("encoder", RelayFrameEncoder.INSTANCE)
                                .addLast("session", client.new Session());
                    }
                });
        Channel ch = b.connect(host, port).addListener(f -> {
            if (!f.isSuccess()) {
                client.connected.completeExceptionally(new IOException("cannot connect to the relay origin "
                        + client.origin + ": " + f.cause().getMessage(), f.cause()));
            }
        }).channel();
        client.channel = ch; // also set by initChannel, which may run first
        return client.connected;
    }

    /**
     * Subscribes {@code handler} to a stream: sends SUBSCRIBE unless the key is already subscribed upstream. May be
     * called from any thread; the handler is called on {@link #eventLoop()}. On a lost connection the handler hears
     * {@link StreamHandler#lost} at once.
     */
    public RelaySubscription subscribe(StreamKey key, StreamHandler handler) {
        RelaySubscription s = new RelaySubscription(Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(handler, "handler"));
        channel.eventLoop().execute(() -> attach(s));
        return s;
    }

    /** The event loop every handler call runs on. */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** The origin's node id from its WELCOME, or null before. */
    public String originId() {
        return originId;
    }

    /** {@code host:port} of the origin. */
    public String origin() {
        return origin;
    }

    public String edgeId() {
        return edgeId;
    }

    /** True until the connection is lost or closed. */
    public boolean isOpen() {
        return lostReason == null;
    }

    /** Why the connection ended, or null while it is open. */
    public String lostReason() {
        return lostReason;
    }

    /** Keys subscribed upstream now (one each, however many handlers share it). */
    public int upstreamSubscriptions() {
        return byKey.size();
    }

    /** PACKET frames received. */
    public long packetsReceived() {
        return packetsReceived;
    }

    /** Media payload bytes in them. */
    public long payloadBytesReceived() {
        return payloadBytesReceived;
    }

    /** Closes the connection; every open handler hears {@link StreamHandler#lost}; the listener does not. */
    @Override
    public void close() {
        channel.eventLoop().execute(() -> {
            closedByEdge = true;
            lose("closed by the edge");
            channel.close();
        });
    }

    @Override
    public String toString() {
        return "RelayClient(" + origin + (originId != null ? ", origin " + originId : "") + ")";
    }

    // ---- event loop ----

    private void attach(RelaySubscription s) {
        if (s.closed) {
            return;
        }
        if (lostReason != null) {
            call(s, () -> s.handler.lost(lostReason));
            return;
        }
        Upstream u = byKey.get(s.key);
        if (u == null) {
            u = new Upstream(s.key);
            byKey.put(s.key, u);
            if (welcomed) {
                request(u);
            }
        }
        u.subscribers.add(s);
        s.upstream = u;
        if (u.started) {
            List<Track> tracks = List.copyOf(u.tracks.values());
            Optional<StreamKey> renditionOf = u.renditionOf;
            call(s, () -> s.handler.start(s.key, renditionOf, tracks));
        }
    }

    private void request(Upstream u) {
        u.requestId = nextRequestId++;
        byRequest.put(u.requestId, u);
        ctx.writeAndFlush(new RelayFrame.Subscribe(u.requestId, u.key));
    }

    private void detach(RelaySubscription s) {
        Upstream u = s.upstream;
        if (u == null || !u.subscribers.remove(s) || !u.subscribers.isEmpty() || u.cancelled) {
            return;
        }
        u.cancelled = true;
        byKey.remove(u.key, u);
        if (lostReason == null && u.streamId != 0) {
            ctx.writeAndFlush(new RelayFrame.Unsubscribe(u.streamId)); // the END that answers it forgets the id
        }
        // not requested yet: nothing to undo; requested: the STREAM that answers is unsubscribed at once
    }

    private void start(Upstream u) {
        u.started = true;
        List<Track> tracks = List.copyOf(u.tracks.values());
        for (RelaySubscription s : List.copyOf(u.subscribers)) {
            call(s, () -> s.handler.start(u.key, u.renditionOf, tracks));
        }
    }

    private void stream(RelayFrame.Stream f) {
        Upstream u = byRequest.remove(f.requestId());
        if (u == null || !u.key.equals(f.key())) {
            protocolError("STREAM " + f.streamId() + " answers no SUBSCRIBE of " + f.key() + " (request "
                    + f.requestId() + ")");
            return;
        }
        if (byStream.containsKey(f.streamId())) {
            protocolError("STREAM reuses stream id " + f.streamId());
            return;
        }
        u.streamId = f.streamId();
        u.pendingTracks = f.trackCount();
        u.renditionOf = Optional.ofNullable(f.renditionOf());
        byStream.put(u.streamId, u);
        if (u.cancelled) {
            ctx.writeAndFlush(new RelayFrame.Unsubscribe(u.streamId));
        } else if (u.pendingTracks == 0) {
            start(u);
        }
    }

    private void track(RelayFrame.TrackInfo f) {
        Upstream u = byStream.get(f.streamId());
        if (u == null) {
            protocolError("TRACK for stream " + f.streamId() + ", which is not open");
            return;
        }
        Track t = f.track();
        Track known = u.tracks.get(t.id());
        if (known == null || !known.equals(t)) {
            u.tracks.put(t.id(), t); // otherwise the packets keep the Track object they had
        }
        if (u.pendingTracks > 0 && --u.pendingTracks == 0 && !u.cancelled) {
            start(u);
        }
    }

    private void packet(RelayFrame.Packet f) {
        Upstream u = byStream.get(f.streamId());
        Track track = u == null ? null : u.tracks.get(f.trackId());
        if (u == null || u.pendingTracks > 0 || track == null) {
            f.release();
            protocolError(u == null ? "PACKET for stream " + f.streamId() + ", which is not open"
                    : u.pendingTracks > 0 ? "PACKET of stream " + f.streamId() + " before its " + u.pendingTracks
                            + " announced TRACK frames"
                    : "PACKET for track " + f.trackId() + " of stream " + f.streamId() + ", which has no TRACK");
            return;
        }
        int size = f.content().readableBytes();
        packetsReceived++;
        payloadBytesReceived += size;
        List<RelaySubscription> to = u.cancelled ? List.of() : List.copyOf(u.subscribers);
        if (to.isEmpty()) {
            f.release();
            return;
        }
        // The packet takes over the frame's reference to the payload; one more for each further handler.
        MediaPacket p = MediaPacket.of(track, f.dts(), f.pts(), f.keyframe(), f.content());
        if (to.size() > 1) {
            p.retain(to.size() - 1);
        }
        for (RelaySubscription s : to) {
            if (s.closed) {
                p.release();
            } else {
                call(s, () -> s.handler.packet(p));
            }
        }
    }

    private void end(RelayFrame.End f) {
        Upstream u = byStream.remove(f.streamId());
        if (u == null) {
            protocolError("END for stream " + f.streamId() + ", which is not open");
            return;
        }
        byKey.remove(u.key, u);
        if (!u.cancelled) {
            LOG.info("relayed stream {} from {} ended: {}", u.key, origin, LogSafe.text(f.reason()));
            for (RelaySubscription s : List.copyOf(u.subscribers)) {
                call(s, () -> s.handler.end(f.reason()));
            }
        }
    }

    private void notFound(RelayFrame.NotFound f) {
        Upstream u = byRequest.remove(f.requestId());
        if (u == null || !u.key.equals(f.key())) {
            protocolError("NOT_FOUND answers no SUBSCRIBE of " + f.key() + " (request " + f.requestId() + ")");
            return;
        }
        byKey.remove(u.key, u);
        if (!u.cancelled) {
            for (RelaySubscription s : List.copyOf(u.subscribers)) {
                call(s, () -> s.handler.notFound(f.reason()));
            }
        }
    }

    /** Calls a handler unless it was closed; a handler that throws is logged and the others still hear. */
    private void call(RelaySubscription s, Runnable call) {
        if (s.closed) {
            return;
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("relay handler of {} failed", s.key, e);
        }
    }

    private void protocolError(String what) {
        LOG.warn("relay connection to {} (origin {}) closed: {}", origin, LogSafe.value(originId), LogSafe.text(what));
        lose("protocol error: " + what);
        channel.close();
    }

    private void fail(String reason) {
        lose(reason);
        channel.close();
    }

    /** The connection is over: tells the future or the handlers and the listener, once. */
    private void lose(String reason) {
        if (lostReason != null) {
            return;
        }
        lostReason = reason;
        if (readCheck != null) {
            readCheck.cancel(false);
        }
        if (!welcomed) {
            connected.completeExceptionally(refusal != null ? new RelayRefusedException(origin, refusal)
                    : new IOException("relay connection to " + origin + " failed: " + reason));
        }
        Set<Upstream> all = new LinkedHashSet<>(byKey.values());
        all.addAll(byRequest.values());
        all.addAll(byStream.values());
        byKey.clear();
        byRequest.clear();
        byStream.clear();
        for (Upstream u : all) {
            for (RelaySubscription s : List.copyOf(u.subscribers)) {
                call(s, () -> s.handler.lost(reason));
            }
        }
        if (welcomed && !closedByEdge) {
            LOG.warn("relay connection to {} (origin {}) lost: {}", origin, LogSafe.value(originId),
                    LogSafe.text(reason));
            try {
                listener.connectionLost(this, reason);
            } catch (RuntimeException e) {
                LOG.warn("relay listener failed", e);
            }
        }
    }

    /** The client's end of the pipeline. */
    private final class Session extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            RelayClient.this.ctx = ctx;
            long check = RelayProtocol.EDGE_READ_CHECK.toMillis();
            readCheck = ctx.executor().scheduleAtFixedRate(this::checkSilence, check, check, TimeUnit.MILLISECONDS);
            ctx.writeAndFlush(new RelayFrame.Hello(version, edgeId, token));
            ctx.fireChannelActive();
        }

        private void checkSilence() {
            long silent = activity.silentNanos();
            if (silent > readTimeout.toNanos()) {
                long ms = TimeUnit.NANOSECONDS.toMillis(silent);
                fail(welcomed ? "nothing heard from the origin for " + ms + " ms"
                        : "no WELCOME from the origin within " + ms + " ms");
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (lostReason != null || !(msg instanceof RelayFrame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!welcomed) {
                if (frame instanceof RelayFrame.Welcome w) {
                    welcomed = true;
                    originId = w.originId();
                    LOG.info("relay connection to {}: origin {}", origin, LogSafe.value(originId));
                    for (Upstream u : byKey.values()) {
                        request(u); // subscribed while the HELLO was on its way
                    }
                    connected.complete(RelayClient.this);
                } else if (frame instanceof RelayFrame.Refused r) {
                    refusal = r.reason();
                    LOG.warn("relay connection to {} refused: {}", origin, LogSafe.text(refusal));
                    fail("refused by the origin: " + refusal);
                } else {
                    ReferenceCountUtil.release(msg);
                    protocolError("expected WELCOME, got " + frame.type());
                }
                return;
            }
            if (frame instanceof RelayFrame.Packet p) {
                packet(p);
            } else if (frame instanceof RelayFrame.TrackInfo t) {
                track(t);
            } else if (frame instanceof RelayFrame.Ping) {
                ctx.writeAndFlush(RelayFrame.Pong.INSTANCE);
            } else if (frame instanceof RelayFrame.Stream s) {
                stream(s);
            } else if (frame instanceof RelayFrame.End e) {
                end(e);
            } else if (frame instanceof RelayFrame.NotFound n) {
                notFound(n);
            } else if (frame instanceof RelayFrame.Refused r) {
                LOG.warn("relay connection to {} (origin {}) refused: {}", origin, LogSafe.value(originId),
                        LogSafe.text(r.reason()));
                fail("refused by the origin: " + r.reason());
            } else {
                protocolError("a second " + frame.type());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lose(welcomed ? "the origin closed the connection" : "the origin closed the connection before WELCOME");
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof RelayProtocolException) {
                protocolError("malformed frame from the origin: " + cause.getMessage());
                return;
            }
            String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            if (!(cause instanceof IOException)) {
                LOG.warn("relay connection to {} failed", origin, cause);
            }
            fail("connection error: " + reason);
        }
    }
}
