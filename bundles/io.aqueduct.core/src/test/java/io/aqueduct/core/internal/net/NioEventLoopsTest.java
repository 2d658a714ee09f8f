package io.aqueduct.core.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The node's event loops carry a TCP listener, a TCP client and UDP on one group, and stop when closed. */
class NioEventLoopsTest {

    @Test
    void oneGroupServesTcpListenersClientsAndUdpUntilClosed() throws Exception {
        NioEventLoops loops = new NioEventLoops(2);
        try {
            // TCP: a listener that answers what it reads, and a client of it
            Channel server = new ServerBootstrap().group(loops.group()).channel(loops.serverSocketChannel())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(loops.group()).channel(loops.socketChannel())
                    .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                            echoed.complete(msg.toString(StandardCharsets.US_ASCII));
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("tcp", StandardCharsets.US_ASCII));
            assertEquals("tcp", echoed.get(10, TimeUnit.SECONDS));

            // UDP: a datagram to itself
            CompletableFuture<String> received = new CompletableFuture<>();
            Channel udp = new Bootstrap().group(loops.group()).channel(loops.datagramChannel())
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            received.complete(packet.content().toString(StandardCharsets.US_ASCII));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            udp.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("udp", StandardCharsets.US_ASCII),
                    (InetSocketAddress) udp.localAddress()));
            assertEquals("udp", received.get(10, TimeUnit.SECONDS));

            client.close().sync();
            server.close().sync();
            udp.close().sync();
        } finally {
            loops.close();
        }
        assertTrue(loops.group().isTerminated(), "closing stops the threads");
    }

    @Test
    void aGroupWithoutThreadsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new NioEventLoops(0));
    }
}
