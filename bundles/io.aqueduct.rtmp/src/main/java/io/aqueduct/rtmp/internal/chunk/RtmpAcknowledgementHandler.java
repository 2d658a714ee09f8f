package io.aqueduct.rtmp.internal.chunk;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.LongSupplier;

/**
 * Sends an Acknowledgement each time the peer has sent a window's worth of bytes since the last one (RTMP 1.0
 * section 5.4.3); the window is what the peer set with Window Acknowledgement Size. Sits right after the
 * {@link RtmpChunkDecoder}, whose {@link RtmpChunkDecoder#bytesReceived()} it reads, and passes every message
 * on, Window Acknowledgement Size included. Until the peer sets a window it acknowledges nothing.
 */
public final class RtmpAcknowledgementHandler extends ChannelInboundHandlerAdapter {
    private final LongSupplier bytesReceived;
    private long window;
    private long acknowledged;

    public RtmpAcknowledgementHandler(LongSupplier bytesReceived) {
        this.bytesReceived = bytesReceived;
    }

    /** The window the peer asked for, or 0 while it has not. */
    public long window() {
        return window;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RtmpMessage message && message.typeId() == RtmpConstants.TYPE_WINDOW_ACK_SIZE) {
            try {
                window = ProtocolControl.readWindowAcknowledgementSize(message);
            } catch (RtmpProtocolException e) {
                message.release();
                ctx.close();
                throw e;
            }
        }
        long received = bytesReceived.getAsLong();
        if (window > 0 && received - acknowledged >= window) {
            acknowledged = received;
            ctx.writeAndFlush(ProtocolControl.acknowledgement(received));
        }
        ctx.fireChannelRead(msg);
    }
}
