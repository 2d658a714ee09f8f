package io.aqueduct.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/** Writes chunk headers by hand, for tests that must not trust our own encoder. */
final class Chunks {
    final ByteBuf buf = Unpooled.buffer();

    Chunks basic(int fmt, int csid) {
        if (csid < 64) {
            buf.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            buf.writeByte(fmt << 6).writeByte(csid - 64);
        } else {
            buf.writeByte(fmt << 6 | 1).writeShortLE(csid - 64);
        }
        return this;
    }

    Chunks type0(int csid, long ts, int length, int type, int msid) {
        basic(0, csid);
        buf.writeMedium((int) Math.min(ts, 0xFFFFFF)).writeMedium(length).writeByte(type).writeIntLE(msid);
        return ext(ts);
    }

    Chunks type1(int csid, long delta, int length, int type) {
        basic(1, csid);
        buf.writeMedium((int) Math.min(delta, 0xFFFFFF)).writeMedium(length).writeByte(type);
        return ext(delta);
    }

    Chunks type2(int csid, long delta) {
        basic(2, csid);
        buf.writeMedium((int) Math.min(delta, 0xFFFFFF));
        return ext(delta);
    }

    Chunks type3(int csid) {
        return basic(3, csid);
    }

    Chunks ext(long field) {
        if (field >= 0xFFFFFF) {
            buf.writeInt((int) field);
        }
        return this;
    }

    Chunks data(int length, int seed) {
        for (int i = 0; i < length; i++) {
            buf.writeByte(seed + i);
        }
        return this;
    }

    Chunks bytes(int... values) {
        for (int v : values) {
            buf.writeByte(v);
        }
        return this;
    }

    Chunks int32(int value) {
        buf.writeInt(value);
        return this;
    }

    byte[] toArray() {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        buf.release();
        return bytes;
    }

    /** Decodes everything a channel put in its inbound queue into descriptions, releasing the messages. */
    static List<String> drain(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            RtmpMessage m = (RtmpMessage) o;
            out.add(describe(m));
            m.release();
        }
        return out;
    }

    static String describe(RtmpMessage m) {
        ByteBuf p = m.content();
        int sum = 0;
        for (int i = p.readerIndex(); i < p.writerIndex(); i++) {
            sum = sum * 31 + p.getByte(i);
        }
        return m.chunkStreamId() + "/" + m.typeId() + "/" + m.messageStreamId() + "/" + m.timestamp() + "/"
                + p.readableBytes() + "/" + Integer.toHexString(sum);
    }

    static String describe(int csid, int type, int msid, long ts, int length, int seed) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum = sum * 31 + (byte) (seed + i);
        }
        return csid + "/" + type + "/" + msid + "/" + ts + "/" + length + "/" + Integer.toHexString(sum);
    }

    /** Releases whatever reaches it, as the consuming handler of a real pipeline does. */
    static final class Releaser extends ChannelInboundHandlerAdapter {
        int messages;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages++;
            ReferenceCountUtil.release(msg);
        }
    }
}
