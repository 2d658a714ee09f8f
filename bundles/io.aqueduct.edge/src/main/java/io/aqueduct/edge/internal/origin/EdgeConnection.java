package io.aqueduct.edge.internal.origin;

import io.aqueduct.api.log.LogSafe;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.EndReason;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.edge.internal.token.RelayToken;
import io.aqueduct.edge.internal.wire.ReadActivity;
import io.aqueduct.edge.internal.wire.RelayFrame;
import io.aqueduct.edge.internal.wire.RelayProtocol;
import io.aqueduct.edge.internal.wire.RelayProtocolException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge's connection to this origin: the HELLO and its token, then the edge's subscriptions, each a hub
 * subscription whose packets go out as PACKET frames, preceded by a TRACK whenever a track is new to the edge or
 * its configuration changed.
 *
 * <p>Everything runs on the connection's event loop. A subscription that has packets wakes the connection, which
 * waits the flush interval, then writes from every subscription in turns (a batch each) while the socket can take
 * more and flushes once. When it cannot, the connection stops taking packets; the hub then skips the relay forward
 * to a keyframe when it falls five seconds behind ({@link RelayServer#SUBSCRIPTION_OPTIONS}), so a slow edge never
 * holds up the publisher or anyone else.
 */
final class EdgeConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeConnection.class);
    /** Packets one subscription writes before the next one has a turn. */
    static final int BATCH = 32;

    private final RelayServer server;
    private final ReadActivity activity;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> helloTimer;
    private ScheduledFuture<?> pingTimer;
    private boolean welcomed;
    private boolean refused;
    /** The protocol version of this connection: the edge's, from its HELLO. */
    private int version;
    private volatile String edgeId;
    private volatile Instant connected;
    private int nextStreamId = 1;
    /** By stream id; read by {@link #statistics()} from other threads. */
    private final Map<Integer, Outbound> streams = new ConcurrentSkipListMap<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile long packetsSent;
    private volatile long payloadBytesSent;
    private volatile long droppedByClosed;

    /** One relayed stream. */
    private static final class Outbound {
        final int streamId;
        final StreamKey key;
        final Subscription subscription;
        /** What the edge was last told about each track. */
        final Map<Integer, Track> sent = new HashMap<>();
        boolean warnedUnrelayable;

        Outbound(int streamId, StreamKey key, Subscription subscription) {
            this.streamId = streamId;
            this.key = key;
            this.subscription = subscription;
        }
    }

    EdgeConnection(RelayServer server, ReadActivity activity) {
        this.server = server;
        this.activity = activity;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long hello = server.timing().helloTimeout().toMillis();
        helloTimer = ctx.executor().schedule(() -> {
            if (!welcomed && !refused) {
                server.connectionLog().info("relay connection from {} closed: no HELLO within {} ms", remote(),
                        hello);
                ctx.close();
            }
        }, hello, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (refused || !(msg instanceof RelayFrame frame)) {
                return;
            }
            if (!welcomed) {
                if (frame instanceof RelayFrame.Hello hello) {
                    hello(hello);
                } else {
                    refuse("expected HELLO first, got " + frame.type());
                }
            } else if (frame instanceof RelayFrame.Subscribe s) {
                subscribe(s);
            } else if (frame instanceof RelayFrame.Unsubscribe u) {
                unsubscribe(u.streamId());
            } else if (frame instanceof RelayFrame.Hello) {
                refuse("a second HELLO");
            }
            // PONG: its arrival is all it says (ReadActivity noted it)
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void hello(RelayFrame.Hello hello) {
        String refusal = hello.version() < RelayProtocol.MIN_VERSION || hello.version() > RelayProtocol.VERSION
                ? "protocol version " + hello.version() + " is not supported; this origin speaks "
                        + RelayProtocol.MIN_VERSION + " to " + RelayProtocol.VERSION
                : RelayToken.verify(server.secret(), hello.token(), hello.edgeId(), server.clock().instant());
        if (refusal != null) {
            refuse(refusal);
            return;
        }
        welcomed = true;
        version = hello.version();
        edgeId = hello.edgeId();
        connected = server.clock().instant();
        helloTimer.cancel(false);
        long ping = server.timing().pingInterval().toMillis();
        pingTimer = ctx.executor().scheduleAtFixedRate(this::ping, ping, ping, TimeUnit.MILLISECONDS);
        server.welcomed(this);
        server.connectionLog().info("relay connection from {}: edge {}", remote(), LogSafe.value(edgeId));
        ctx.writeAndFlush(new RelayFrame.Welcome(version, server.nodeId()));
    }

    /** Says why in a REFUSED, closes the connection, and logs it (a WARN: someone is knocking with a bad key). */
    private void refuse(String reason) {
        refused = true;
        server.countRefused();
        server.connectionLog().warn("relay connection from {} refused: {}", remote(), LogSafe.text(reason));
        ctx.writeAndFlush(new RelayFrame.Refused(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private void ping() {
        long silent = activity.silentNanos();
        long limit = server.timing().readTimeout().toNanos();
        if (silent > limit) {
            server.connectionLog().info("relay connection from {} (edge {}) closed: nothing received for {} ms",
                    remote(), LogSafe.value(edgeId),
                    TimeUnit.NANOSECONDS.toMillis(silent));
            ctx.close();
            return;
        }
        ctx.writeAndFlush(RelayFrame.Ping.INSTANCE);
    }

    private void subscribe(RelayFrame.Subscribe request) {
        StreamKey key = request.key();
        if (streams.size() >= RelayServer.MAX_SUBSCRIPTIONS_PER_CONNECTION) {
            ctx.writeAndFlush(new RelayFrame.NotFound(request.requestId(), key, "too many subscriptions on one "
                    + "connection (limit " + RelayServer.MAX_SUBSCRIPTIONS_PER_CONNECTION + ")"));
            return;
        }
        Optional<Subscription> subscription = server.hub().subscribe(key, RelayServer.SUBSCRIPTION_OPTIONS,
                s -> scheduleDrain());
        if (subscription.isEmpty()) {
            LOG.debug("relay connection from {} (edge {}): {} is not live", remote(), LogSafe.value(edgeId), key);
            ctx.writeAndFlush(new RelayFrame.NotFound(request.requestId(), key, key + " is not live on origin "
                    + server.nodeId()));
            return;
        }
        Outbound out = new Outbound(nextStreamId++, key, subscription.get());
        streams.put(out.streamId, out);
        // The tracks as the hub knows them now, so the edge can set up before the first packet.
        List<RelayFrame.TrackInfo> tracks = new ArrayList<>();
        for (Track t : server.hub().stream(key).map(StreamInfo::tracks).orElse(List.of())) {
            RelayFrame.TrackInfo info = trackInfo(out, t);
            if (info != null && tracks.size() < RelayProtocol.MAX_TRACKS) {
                tracks.add(info);
                out.sent.put(t.id(), t);
            }
        }
        LOG.info("relay connection from {} (edge {}): relaying {} as stream {}", remote(), LogSafe.value(edgeId), key,
                out.streamId);
        // version 2: what the stream is a rendition of (a version 1 edge would refuse the field)
        StreamKey renditionOf = version < 2 ? null
                : server.hub().stream(key).flatMap(StreamInfo::renditionOf).orElse(null);
        ctx.write(new RelayFrame.Stream(request.requestId(), out.streamId, key, tracks.size(), renditionOf));
        tracks.forEach(ctx::write);
        drain(); // the GOP cache at once, and the flush
    }

    private void unsubscribe(int streamId) {
        Outbound out = streams.remove(streamId);
        if (out == null) {
            return; // it ended meanwhile: its END is on the way
        }
        close(out);
        ctx.writeAndFlush(new RelayFrame.End(streamId, "unsubscribed"));
    }

    /** Called by a subscription, on the publisher's thread, when it has packets. */
    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            long delay = server.timing().flushInterval().toNanos();
            try {
                if (delay <= 0) {
                    ctx.executor().execute(this::drain);
                } else {
                    ctx.executor().schedule(this::drain, delay, TimeUnit.NANOSECONDS);
                }
            } catch (RejectedExecutionException e) {
                // the server is shutting down: the connection and its subscriptions are closing
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        if (!ctx.channel().isActive()) {
            return;
        }
        boolean more = true;
        while (more && ctx.channel().isWritable()) {
            more = false;
            for (Outbound out : streams.values()) {
                for (int i = 0; i < BATCH && ctx.channel().isWritable(); i++) {
                    MediaPacket p = out.subscription.poll();
                    if (p == null) {
                        break;
                    }
                    more = true;
                    write(out, p);
                }
            }
        }
        for (Outbound out : streams.values()) {
            if (out.subscription.isEnded()) {
                streams.remove(out.streamId);
                String reason = reason(out.subscription.endReason());
                LOG.info("relay connection from {} (edge {}): {} ended ({})", remote(), LogSafe.value(edgeId), out.key,
                        reason);
                close(out);
                ctx.write(new RelayFrame.End(out.streamId, reason));
            }
        }
        ctx.flush();
    }

    /** Writes one packet, after the TRACK of its track when the edge does not know it like this yet. */
    private void write(Outbound out, MediaPacket p) {
        Track track = p.track();
        Track sent = out.sent.get(track.id());
        if (sent != track) {
            if (sent == null || !sent.equals(track)) {
                RelayFrame.TrackInfo info = trackInfo(out, track);
                if (info == null) {
                    p.release();
                    return;
                }
                ctx.write(info);
            }
            out.sent.put(track.id(), track);
        }
        int size = p.size();
        if (size > RelayProtocol.MAX_PAYLOAD_BYTES) {
            unrelayable(out, "a packet of " + size + " bytes is larger than a frame may be");
            p.release();
            return;
        }
        // The frame takes over the packet's reference: its content is a view of the same buffer.
        ctx.write(new RelayFrame.Packet(out.streamId, track.id(), p.dts(), p.pts(), p.isKeyframe(), p.content()));
        packetsSent++;
        payloadBytesSent += size;
        server.countSent(size);
    }

    private RelayFrame.TrackInfo trackInfo(Outbound out, Track track) {
        try {
            return new RelayFrame.TrackInfo(out.streamId, track);
        } catch (IllegalArgumentException e) {
            unrelayable(out, track + " cannot be described: " + e.getMessage());
            return null;
        }
    }

    private void unrelayable(Outbound out, String why) {
        if (!out.warnedUnrelayable) {
            out.warnedUnrelayable = true;
            LOG.warn("relay of {} to edge {}: {}; dropping such packets", out.key, LogSafe.value(edgeId), why);
        }
    }

    private void close(Outbound out) {
        droppedByClosed += out.subscription.droppedPackets();
        out.subscription.close();
    }

    private static String reason(EndReason reason) {
        if (reason == null) {
            return "ended";
        }
        return switch (reason) {
            case PUBLISHER_LEFT -> "publisher left";
            case TOO_SLOW -> "too slow";
            case CLOSED -> "unsubscribed";
            case HUB_STOPPED -> "origin hub stopped";
        };
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        helloTimer.cancel(false);
        if (pingTimer != null) {
            pingTimer.cancel(false);
        }
        for (Outbound out : streams.values()) {
            close(out);
        }
        streams.clear();
        if (welcomed) {
            server.closed(this);
            server.connectionLog().info("relay connection from {} (edge {}) closed after {} packets", remote(),
                    LogSafe.value(edgeId), packetsSent);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof RelayProtocolException) {
            // The decoder closes the connection after this: say why first.
            String reason = "malformed frame: " + cause.getMessage();
            if (!refused) {
                refuse(reason);
            }
            return;
        }
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if (cause instanceof IOException) {
            LOG.debug("relay connection from {} (edge {}) closed: {}", remote(), LogSafe.value(edgeId),
                    LogSafe.text(reason));
        } else {
            LOG.warn("relay connection from {} (edge {}) failed", remote(), LogSafe.value(edgeId), cause);
        }
        ctx.close();
    }

    RelayStatistics.Connection statistics() {
        List<StreamKey> keys = new ArrayList<>();
        long dropped = droppedByClosed;
        for (Outbound out : streams.values()) {
            keys.add(out.key);
            dropped += out.subscription.droppedPackets();
        }
        return new RelayStatistics.Connection(edgeId, remote(), connected, keys, packetsSent, payloadBytesSent,
                dropped);
    }

    private InetSocketAddress remote() {
        return (InetSocketAddress) ctx.channel().remoteAddress();
    }
}
