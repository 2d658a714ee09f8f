package io.aqueduct.edge.internal.origin;

import io.aqueduct.api.log.RateLimitedLog;
import io.aqueduct.api.net.EventLoops;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.SubscriptionOptions;
import io.aqueduct.edge.internal.token.RelayToken;
import io.aqueduct.edge.internal.wire.ReadActivity;
import io.aqueduct.edge.internal.wire.RelayFrameDecoder;
import io.aqueduct.edge.internal.wire.RelayFrameEncoder;
import io.aqueduct.edge.internal.wire.RelayProtocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origin's end of the relay: a TCP listener that lets edges in with a {@link RelayToken} and sends each the
 * streams it subscribes to, out of the hub, starting at the GOP cache.
 *
 * <p>A plain class (the component that configures it, with the node's id and the cluster secret, comes later):
 * {@link #bind} to listen, {@link #problem()} for the health check, {@link #statistics()}, {@link #close()}.
 * Each connection runs on one event loop of the node's shared {@link EventLoops}; see {@link EdgeConnection}.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

    /**
     * What a relay subscription may queue: five seconds (or 64 MiB) of media, then it skips forward to the next
     * keyframe, as often as needed. An edge is never disconnected for being slow: all its viewers depend on it.
     */
    public static final SubscriptionOptions SUBSCRIPTION_OPTIONS = new SubscriptionOptions(5_000_000L, 64L << 20, -1);
    /** Subscriptions one connection may hold: far more than one edge pulls from one origin. */
    public static final int MAX_SUBSCRIPTIONS_PER_CONNECTION = 1024;

    /**
     * The server's timers.
     *
     * @param helloTimeout a connection that has not sent a valid HELLO by then is closed
     * @param pingInterval how often a PING goes to each edge
     * @param readTimeout an edge that sent nothing (not even a PONG) for this long is closed
     * @param flushInterval how long a woken connection gathers packets before it writes them in one go
     */
    public record Timing(Duration helloTimeout, Duration pingInterval, Duration readTimeout, Duration flushInterval) {
        public static final Timing DEFAULTS = new Timing(RelayProtocol.HELLO_TIMEOUT, RelayProtocol.PING_INTERVAL,
                RelayProtocol.ORIGIN_READ_TIMEOUT, Duration.ofMillis(10));

        public Timing {
            if (helloTimeout.isNegative() || helloTimeout.isZero() || pingInterval.isNegative()
                    || pingInterval.isZero() || readTimeout.compareTo(pingInterval) <= 0
                    || flushInterval.isNegative()) {
                throw new IllegalArgumentException("invalid relay timing " + helloTimeout + ", " + pingInterval
                        + ", " + readTimeout + ", " + flushInterval);
            }
        }
    }

    private final StreamHub hub;
    private final Supplier<byte[]> secret;
    private final String nodeId;
    private final Clock clock;
    private final Timing timing;
    /** The node's event loops: shared, never shut down here. */
    private final EventLoops loops;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Set<EdgeConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionsTotal = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong payloadBytesSent = new AtomicLong();
    /** The connections' per-connection lines: a flood of connections costs a few lines and a summary. */
    private final RateLimitedLog connectionLog = new RateLimitedLog(LoggerFactory.getLogger(EdgeConnection.class),
            "relay connection events", 50, Duration.ofSeconds(10), System::nanoTime,
            (task, nanos) -> GlobalEventExecutor.INSTANCE.schedule(task, nanos, TimeUnit.NANOSECONDS));
    private Channel listener;
    private volatile InetSocketAddress localAddress;
    private volatile String bindProblem = "not listening";
    private volatile boolean closed;

    /**
     * @param secret the cluster secret, asked for each HELLO (so a changed secret applies to the next connection)
     * @param nodeId this origin's node id, sent in WELCOME
     */
    public RelayServer(StreamHub hub, EventLoops loops, Supplier<byte[]> secret, String nodeId) {
        this(hub, loops, secret, nodeId, Clock.systemUTC(), Timing.DEFAULTS);
    }

    public RelayServer(StreamHub hub, EventLoops loops, Supplier<byte[]> secret, String nodeId, Clock clock,
            Timing timing) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.loops = Objects.requireNonNull(loops, "loops");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timing = Objects.requireNonNull(timing, "timing");
        if (nodeId.isEmpty() || ByteBufUtil.utf8Bytes(nodeId) > RelayProtocol.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("node id must have 1 to " + RelayProtocol.MAX_STRING_BYTES
                    + " UTF-8 bytes: '" + nodeId + "'");
        }
    }

    /**
     * Listens on {@code host:port} (port 0: any free port), in place of any earlier listener; open connections stay.
     *
     * @return true when listening; else {@link #problem()} says why (and it was logged)
     */
    public synchronized boolean bind(String host, int port) {
        if (closed) {
            throw new IllegalStateException("the relay server was closed");
        }
        closeListener();
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // several streams share one connection: more room than a single RTMP player gets
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ReadActivity activity = new ReadActivity();
                        ch.pipeline().addLast("activity", activity)
                                .addLast("decoder", RelayFrameDecoder.atOrigin())
                                .addLast("encoder", RelayFrameEncoder.INSTANCE)
                                .addLast("connection", new EdgeConnection(RelayServer.this, activity));
                    }
                });
        try {
            listener = b.bind(host, port).sync().channel();
            localAddress = (InetSocketAddress) listener.localAddress();
            bindProblem = null;
            LOG.info("Relay listening on {}", localAddress);
            return true;
        } catch (Exception e) {
            localAddress = null;
            bindProblem = "cannot listen on " + host + " port " + port + ": " + e.getMessage()
                    + "; free the port or set another one";
            LOG.error("Relay {}", bindProblem);
            return false;
        }
    }

    /** Where the server listens, or null. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Null while the server listens and can let edges in; else what is wrong, for the health check. */
    public String problem() {
        if (closed) {
            return "closed";
        }
        String p = bindProblem;
        if (p != null) {
            return p;
        }
        byte[] s = secret.get();
        if (s == null || s.length < RelayToken.MIN_SECRET_BYTES) {
            return "no cluster secret of at least " + RelayToken.MIN_SECRET_BYTES + " bytes: every edge is refused";
        }
        return null;
    }

    public RelayStatistics statistics() {
        List<RelayStatistics.Connection> open = new ArrayList<>();
        int subscriptions = 0;
        for (EdgeConnection c : connections) {
            RelayStatistics.Connection s = c.statistics();
            open.add(s);
            subscriptions += s.streams().size();
        }
        open.sort(Comparator.comparing(RelayStatistics.Connection::connected));
        return new RelayStatistics(open.size(), connectionsTotal.get(), refused.get(), subscriptions,
                packetsSent.get(), payloadBytesSent.get(), open);
    }

    /**
     * Stops listening and closes every connection (their subscriptions and timers end with them); the shared event
     * loops stay.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeListener();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private void closeListener() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            listener = null;
            localAddress = null;
            bindProblem = "not listening";
        }
    }

    // ---- for the connections ----

    StreamHub hub() {
        return hub;
    }

    byte[] secret() {
        return secret.get();
    }

    String nodeId() {
        return nodeId;
    }

    Clock clock() {
        return clock;
    }

    Timing timing() {
        return timing;
    }

    RateLimitedLog connectionLog() {
        return connectionLog;
    }

    void welcomed(EdgeConnection c) {
        connections.add(c);
        connectionsTotal.incrementAndGet();
    }

    void closed(EdgeConnection c) {
        connections.remove(c);
    }

    void countRefused() {
        refused.incrementAndGet();
    }

    void countSent(int payloadBytes) {
        packetsSent.incrementAndGet();
        payloadBytesSent.addAndGet(payloadBytes);
    }
}
