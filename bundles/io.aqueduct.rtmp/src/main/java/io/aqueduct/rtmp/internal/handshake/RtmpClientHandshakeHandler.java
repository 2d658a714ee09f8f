package io.aqueduct.rtmp.internal.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the plain RTMP handshake: sends C0+C1 when the channel becomes active, reads S0+S1+S2,
 * answers C2 (an echo of S1), then fires {@link RtmpHandshakeComplete} and removes itself. Servers accept a
 * plain C1 (zero version field) whatever they answer, so no digest is needed to pull a stream.
 */
public final class RtmpClientHandshakeHandler extends ByteToMessageDecoder {
    private boolean sent;
    private boolean done;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            sendC0C1(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sendC0C1(ctx);
        super.channelActive(ctx);
    }

    private void sendC0C1(ChannelHandlerContext ctx) {
        if (sent) {
            return;
        }
        sent = true;
        byte[] c1 = new byte[RtmpHandshake.BLOCK_SIZE];
        ThreadLocalRandom.current().nextBytes(c1);
        for (int i = 0; i < 8; i++) {
            c1[i] = 0; // time 0, zero field: a plain handshake
        }
        ByteBuf buf = ctx.alloc().buffer(1 + RtmpHandshake.BLOCK_SIZE);
        buf.writeByte(RtmpHandshake.VERSION).writeBytes(c1);
        ctx.writeAndFlush(buf);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done || !in.isReadable()) {
            return;
        }
        int version = in.getUnsignedByte(in.readerIndex());
        if (version != RtmpHandshake.VERSION) {
            RtmpServerHandshakeHandler.fail(ctx, in,
                    RtmpServerHandshakeHandler.describeVersion(version, "S0", "not an RTMP server?"));
        }
        if (in.readableBytes() < 1 + 2 * RtmpHandshake.BLOCK_SIZE) {
            return;
        }
        in.skipBytes(1);
        ByteBuf c2 = in.readRetainedSlice(RtmpHandshake.BLOCK_SIZE); // C2 echoes S1
        in.skipBytes(RtmpHandshake.BLOCK_SIZE); // S2: servers echo C1 or sign it; neither needs checking
        done = true;
        ctx.writeAndFlush(c2);
        ctx.fireUserEventTriggered(new RtmpHandshakeComplete(false));
        ctx.pipeline().remove(this);
    }
}
