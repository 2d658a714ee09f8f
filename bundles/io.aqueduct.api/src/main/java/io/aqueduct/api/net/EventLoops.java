package io.aqueduct.api.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's event loops: one group, sized to the cores, for every server and client channel of the node, with
 * the channel types of its transport (all NIO, or all of another transport, never mixed):
 *
 * <pre>{@code
 * new ServerBootstrap().group(loops.group()).channel(loops.serverSocketChannel())...
 * new Bootstrap().group(loops.group()).channel(loops.socketChannel())...       // a client
 * new Bootstrap().group(loops.group()).channel(loops.datagramChannel())...     // UDP
 * }</pre>
 *
 * <p>The group belongs to the service: a user closes its own channels and cancels its own timers when it stops,
 * and never shuts the group down (that would stop every other protocol of the node). The provider shuts it down
 * gracefully when it stops itself, after its users (they reference this service).
 */
@ProviderType
public interface EventLoops {

    /** The shared group; never shut it down. */
    EventLoopGroup group();

    /** The TCP listener channel type that runs on {@link #group()}. */
    Class<? extends ServerSocketChannel> serverSocketChannel();

    /** The TCP client channel type that runs on {@link #group()}. */
    Class<? extends SocketChannel> socketChannel();

    /** The UDP channel type that runs on {@link #group()}. */
    Class<? extends DatagramChannel> datagramChannel();
}
