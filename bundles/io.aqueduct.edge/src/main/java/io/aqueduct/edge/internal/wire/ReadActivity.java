package io.aqueduct.edge.internal.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First in a relay pipeline: notes when bytes last arrived, so a peer that is busy sending one large frame is not
 * taken for a silent one. Not sharable: one per connection.
 */
public final class ReadActivity extends ChannelInboundHandlerAdapter {
    private volatile long lastReadNanos = System.nanoTime();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    /** Nanoseconds since the last read (or since this handler was made, before any). */
    public long silentNanos() {
        return System.nanoTime() - lastReadNanos;
    }
}
