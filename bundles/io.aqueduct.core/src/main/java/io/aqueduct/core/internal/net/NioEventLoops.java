package io.aqueduct.core.internal.net;

import io.aqueduct.api.net.EventLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link EventLoops}: one NIO group with a thread per core ({@code aqueduct-io-*}), from the start of
 * the core bundle to its stop. NIO everywhere (TCP and UDP alike): it runs wherever Java does, and the channel
 * types never mix transports. Outside OSGi (tests, benchmarks) whoever constructs it closes it.
 */
@Component(service = EventLoops.class, immediate = true)
public final class NioEventLoops implements EventLoops, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NioEventLoops.class);

    private final EventLoopGroup group;

    /** One thread per core. */
    @Activate
    public NioEventLoops() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public NioEventLoops(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("event loop threads must be at least 1: " + threads);
        }
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("aqueduct-io", true),
                NioIoHandler.newFactory());
        LOG.debug("Network event loops: {} thread(s), NIO", threads);
    }

    @Override
    public EventLoopGroup group() {
        return group;
    }

    @Override
    public Class<? extends ServerSocketChannel> serverSocketChannel() {
        return NioServerSocketChannel.class;
    }

    @Override
    public Class<? extends SocketChannel> socketChannel() {
        return NioSocketChannel.class;
    }

    @Override
    public Class<? extends DatagramChannel> datagramChannel() {
        return NioDatagramChannel.class;
    }

    /** Shuts the group down; its users have stopped by then (they reference this service). */
    @Deactivate
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
