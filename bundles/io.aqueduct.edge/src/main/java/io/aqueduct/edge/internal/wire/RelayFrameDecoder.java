package io.aqueduct.edge.internal.wire;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link RelayFrame}s from one side of a relay connection: {@link #atOrigin()} accepts only the frames an
 * edge sends, {@link #atEdge()} only an origin's.
 *
 * <p>Every field is checked as it is read (see the package documentation for the limits). The frame length and
 * the type are checked as soon as their bytes arrive, before the body is waited for, so a peer cannot make the
 * decoder hold more than the side's largest frame. A PACKET's payload is a retained slice of the received bytes
 * (no copy). Anything wrong fires a {@link RelayProtocolException} that names the frame type and the field to the
 * handlers behind (which may still say why to the peer) and then closes the connection; what arrives after that is
 * discarded. Not sharable: one per connection.
 */
public final class RelayFrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(RelayFrameDecoder.class);

    private final boolean fromEdge;
    private final int maxFrameLength;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private boolean failed;

    private RelayFrameDecoder(boolean fromEdge, int maxFrameLength) {
        this.fromEdge = fromEdge;
        this.maxFrameLength = maxFrameLength;
    }

    /** The origin's decoder: edge frames of at most {@value RelayProtocol#MAX_EDGE_FRAME_LENGTH} bytes. */
    public static RelayFrameDecoder atOrigin() {
        return new RelayFrameDecoder(true, RelayProtocol.MAX_EDGE_FRAME_LENGTH);
    }

    /** The edge's decoder: origin frames of at most {@value RelayProtocol#MAX_ORIGIN_FRAME_LENGTH} bytes. */
    public static RelayFrameDecoder atEdge() {
        return new RelayFrameDecoder(false, RelayProtocol.MAX_ORIGIN_FRAME_LENGTH);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            // One frame per call: ByteToMessageDecoder passes it on before it calls again, so the frames before a
            // bad one reach the handlers before the error does.
            RelayFrame frame = next(in);
            if (frame != null) {
                out.add(frame);
            }
        } catch (RelayProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            LOG.debug("closing {}: {}", ctx.channel(), e.getMessage());
            ctx.fireExceptionCaught(e);
            ctx.close();
        }
    }

    /** The next whole frame, or null when more bytes are needed. */
    private RelayFrame next(ByteBuf in) {
        if (in.readableBytes() < RelayProtocol.LENGTH_FIELD_BYTES) {
            return null;
        }
        int at = in.readerIndex();
        long length = in.getUnsignedInt(at);
        if (length < 1 || length > maxFrameLength) {
            throw new RelayProtocolException("frame length " + length + " is not within 1.." + maxFrameLength);
        }
        if (in.readableBytes() < RelayProtocol.LENGTH_FIELD_BYTES + 1) {
            return null;
        }
        int code = in.getUnsignedByte(at + RelayProtocol.LENGTH_FIELD_BYTES);
        FrameType type = FrameType.of(code);
        if (type == null) {
            throw new RelayProtocolException(String.format("unknown frame type 0x%02x", code));
        }
        if (type.fromEdge() != fromEdge) {
            throw new RelayProtocolException("a " + name(type) + " frame cannot come from " + (fromEdge ? "an edge"
                    : "an origin"));
        }
        if (in.readableBytes() < RelayProtocol.LENGTH_FIELD_BYTES + length) {
            return null;
        }
        in.skipBytes(RelayProtocol.LENGTH_FIELD_BYTES + 1);
        ByteBuf body = in.readSlice((int) length - 1);
        try {
            return body(type, body);
        } catch (IllegalArgumentException e) {
            throw new RelayProtocolException("bad " + name(type) + " frame: " + e.getMessage());
        }
    }

    private RelayFrame body(FrameType type, ByteBuf body) {
        RelayFrame frame = switch (type) {
            case HELLO -> new RelayFrame.Hello(u16(body, type, "version"), string(body, type, "edge id"),
                    string(body, type, "token"));
            case SUBSCRIBE -> new RelayFrame.Subscribe(i32(body, type, "request id"), key(body, type));
            case UNSUBSCRIBE -> new RelayFrame.Unsubscribe(i32(body, type, "stream id"));
            case PONG -> RelayFrame.Pong.INSTANCE;
            case WELCOME -> new RelayFrame.Welcome(u16(body, type, "version"), string(body, type, "origin id"));
            case REFUSED -> new RelayFrame.Refused(string(body, type, "reason"));
            case STREAM -> new RelayFrame.Stream(i32(body, type, "request id"), i32(body, type, "stream id"),
                    key(body, type), u8(body, type, "track count"), body.isReadable() ? key(body, type) : null);
            case TRACK -> track(body, type);
            case END -> new RelayFrame.End(i32(body, type, "stream id"), string(body, type, "reason"));
            case NOT_FOUND -> new RelayFrame.NotFound(i32(body, type, "request id"), key(body, type),
                    string(body, type, "reason"));
            case PING -> RelayFrame.Ping.INSTANCE;
            case PACKET -> packet(body, type);
        };
        if (body.isReadable()) {
            if (frame instanceof RelayFrame.Packet p) {
                p.release();
            }
            throw new RelayProtocolException(name(type) + " frame has " + body.readableBytes()
                    + " bytes after its last field");
        }
        return frame;
    }

    private RelayFrame.Packet packet(ByteBuf body, FrameType type) {
        int streamId = i32(body, type, "stream id");
        int trackId = i32(body, type, "track id");
        long dts = i64(body, type, "dts");
        long pts = i64(body, type, "pts");
        int flags = u8(body, type, "flags");
        if ((flags & ~RelayProtocol.FLAG_KEYFRAME) != 0) {
            throw new RelayProtocolException(String.format("PACKET frame has unknown flags 0x%02x", flags));
        }
        return new RelayFrame.Packet(streamId, trackId, dts, pts, (flags & RelayProtocol.FLAG_KEYFRAME) != 0,
                body.readRetainedSlice(body.readableBytes()));
    }

    private RelayFrame.TrackInfo track(ByteBuf body, FrameType type) {
        int streamId = i32(body, type, "stream id");
        int trackId = i32(body, type, "track id");
        int codecCode = u8(body, type, "codec");
        Codec codec = RelayProtocol.codec(codecCode);
        if (codec == null) {
            throw new RelayProtocolException(String.format("TRACK frame has unknown codec 0x%02x", codecCode));
        }
        int mediaCode = u8(body, type, "media type");
        MediaType media = RelayProtocol.mediaType(mediaCode);
        if (media == null) {
            throw new RelayProtocolException(String.format("TRACK frame has unknown media type 0x%02x", mediaCode));
        }
        if (codec.mediaType() != media) {
            throw new RelayProtocolException("TRACK frame says codec " + codec + " is " + media + "; it is "
                    + codec.mediaType());
        }
        int width = i32(body, type, "width");
        int height = i32(body, type, "height");
        int sampleRate = i32(body, type, "sample rate");
        int channels = i32(body, type, "channels");
        long bitrate = i64(body, type, "bitrate");
        need(body, 4, type, "config length");
        long configLength = body.readUnsignedInt();
        if (configLength > RelayProtocol.MAX_CONFIG_BYTES) {
            throw new RelayProtocolException("TRACK frame: codec configuration of " + configLength
                    + " bytes exceeds " + RelayProtocol.MAX_CONFIG_BYTES);
        }
        need(body, configLength, type, "codec configuration");
        byte[] config = new byte[(int) configLength];
        body.readBytes(config);
        if (trackId < 0) {
            throw new RelayProtocolException("TRACK frame: track id " + Integer.toUnsignedString(trackId)
                    + " is not within 0.." + Integer.MAX_VALUE);
        }
        Track.Builder builder = switch (media) {
            case VIDEO -> Track.video(trackId, codec);
            case AUDIO -> Track.audio(trackId, codec);
            case DATA -> Track.data(trackId, codec);
        };
        Track track = builder.config(config).size(width, height).audio(sampleRate, channels).bitrate(bitrate).build();
        return new RelayFrame.TrackInfo(streamId, track);
    }

    private StreamKey key(ByteBuf body, FrameType type) {
        String key = string(body, type, "stream key");
        try {
            return StreamKey.parse(key);
        } catch (IllegalArgumentException e) {
            throw new RelayProtocolException(name(type) + " frame has a bad stream key: " + e.getMessage());
        }
    }

    private String string(ByteBuf body, FrameType type, String field) {
        int length = u16(body, type, field + " length");
        if (length > RelayProtocol.MAX_STRING_BYTES) {
            throw new RelayProtocolException(name(type) + " frame: " + field + " of " + length + " bytes exceeds "
                    + RelayProtocol.MAX_STRING_BYTES);
        }
        need(body, length, type, field);
        try {
            String s = utf8.reset().decode(body.nioBuffer(body.readerIndex(), length)).toString();
            body.skipBytes(length);
            return s;
        } catch (CharacterCodingException e) {
            throw new RelayProtocolException(name(type) + " frame: " + field + " is not valid UTF-8");
        }
    }

    private static int u8(ByteBuf body, FrameType type, String field) {
        need(body, 1, type, field);
        return body.readUnsignedByte();
    }

    private static int u16(ByteBuf body, FrameType type, String field) {
        need(body, 2, type, field);
        return body.readUnsignedShort();
    }

    /**
     * A 32-bit field. Ids are unsigned on the wire: those above 2^31-1 come out negative, and the frame's constructor
     * refuses them, as it refuses negative sizes.
     */
    private static int i32(ByteBuf body, FrameType type, String field) {
        need(body, 4, type, field);
        return body.readInt();
    }

    private static long i64(ByteBuf body, FrameType type, String field) {
        need(body, 8, type, field);
        return body.readLong();
    }

    private static void need(ByteBuf body, long bytes, FrameType type, String field) {
        if (body.readableBytes() < bytes) {
            throw new RelayProtocolException(name(type) + " frame ends inside its " + field);
        }
    }

    private static String name(FrameType type) {
        return type.name();
    }
}
