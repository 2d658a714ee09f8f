package io.aqueduct.edge.internal.wire;

import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link RelayFrame}s. A PACKET's payload is not copied: the frame goes out as a composite of a small
 * header buffer and the payload (retained; the frame itself is released as usual). Stateless and
 * {@code @Sharable}.
 */
@Sharable
public final class RelayFrameEncoder extends MessageToMessageEncoder<RelayFrame> {
    public static final RelayFrameEncoder INSTANCE = new RelayFrameEncoder();

    private RelayFrameEncoder() {
        super(RelayFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RelayFrame frame, List<Object> out) {
        out.add(encode(ctx.alloc(), frame));
    }

    /**
     * The bytes of one frame. Does not release {@code frame}; a PACKET's result holds a reference of its own to the
     * payload.
     */
    public static ByteBuf encode(ByteBufAllocator alloc, RelayFrame frame) {
        if (frame instanceof RelayFrame.Packet p) {
            ByteBuf payload = p.content();
            ByteBuf header = alloc.buffer(RelayProtocol.LENGTH_FIELD_BYTES + RelayProtocol.PACKET_HEADER_LENGTH);
            header.writeInt(RelayProtocol.PACKET_HEADER_LENGTH + payload.readableBytes())
                    .writeByte(FrameType.PACKET.code())
                    .writeInt(p.streamId())
                    .writeInt(p.trackId())
                    .writeLong(p.dts())
                    .writeLong(p.pts())
                    .writeByte(p.keyframe() ? RelayProtocol.FLAG_KEYFRAME : 0);
            if (!payload.isReadable()) {
                return header;
            }
            return alloc.compositeBuffer(2).addComponents(true, header, payload.retainedDuplicate());
        }
        ByteBuf buf = alloc.buffer(64);
        try {
            buf.writeInt(0).writeByte(frame.type().code());
            writeBody(buf, frame);
            buf.setInt(0, buf.readableBytes() - RelayProtocol.LENGTH_FIELD_BYTES);
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private static void writeBody(ByteBuf buf, RelayFrame frame) {
        if (frame instanceof RelayFrame.Hello h) {
            buf.writeShort(h.version());
            writeString(buf, h.edgeId());
            writeString(buf, h.token());
        } else if (frame instanceof RelayFrame.Subscribe s) {
            buf.writeInt(s.requestId());
            writeString(buf, s.key().toString());
        } else if (frame instanceof RelayFrame.Unsubscribe u) {
            buf.writeInt(u.streamId());
        } else if (frame instanceof RelayFrame.Welcome w) {
            buf.writeShort(w.version());
            writeString(buf, w.originId());
        } else if (frame instanceof RelayFrame.Refused r) {
            writeString(buf, r.reason());
        } else if (frame instanceof RelayFrame.Stream s) {
            buf.writeInt(s.requestId());
            buf.writeInt(s.streamId());
            writeString(buf, s.key().toString());
            buf.writeByte(s.trackCount());
            if (s.renditionOf() != null) {
                writeString(buf, s.renditionOf().toString());
            }
        } else if (frame instanceof RelayFrame.TrackInfo t) {
            writeTrack(buf, t.streamId(), t.track());
        } else if (frame instanceof RelayFrame.End e) {
            buf.writeInt(e.streamId());
            writeString(buf, e.reason());
        } else if (frame instanceof RelayFrame.NotFound n) {
            buf.writeInt(n.requestId());
            writeString(buf, n.key().toString());
            writeString(buf, n.reason());
        }
        // PING and PONG have no body
    }

    private static void writeTrack(ByteBuf buf, int streamId, Track t) {
        byte[] config = t.config();
        buf.writeInt(streamId)
                .writeInt(t.id())
                .writeByte(RelayProtocol.codecCode(t.codec()))
                .writeByte(RelayProtocol.mediaTypeCode(t.mediaType()))
                .writeInt(t.width())
                .writeInt(t.height())
                .writeInt(t.sampleRate())
                .writeInt(t.channels())
                .writeLong(t.bitrate())
                .writeInt(config.length)
                .writeBytes(config);
    }

    /** A string: u16 length, UTF-8 bytes (the frame constructors have checked the length). */
    private static void writeString(ByteBuf buf, String s) {
        int at = buf.writerIndex();
        buf.writeShort(0);
        int n = ByteBufUtil.writeUtf8(buf, s);
        buf.setShort(at, n);
    }
}
