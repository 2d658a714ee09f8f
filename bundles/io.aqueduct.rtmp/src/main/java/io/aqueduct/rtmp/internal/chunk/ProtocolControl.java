package io.aqueduct.rtmp.internal.chunk;

import static io.aqueduct.rtmp.internal.chunk.RtmpConstants.TYPE_ABORT;
import static io.aqueduct.rtmp.internal.chunk.RtmpConstants.TYPE_ACKNOWLEDGEMENT;
import static io.aqueduct.rtmp.internal.chunk.RtmpConstants.TYPE_SET_CHUNK_SIZE;
import static io.aqueduct.rtmp.internal.chunk.RtmpConstants.TYPE_SET_PEER_BANDWIDTH;
import static io.aqueduct.rtmp.internal.chunk.RtmpConstants.TYPE_WINDOW_ACK_SIZE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Builds and reads the protocol control messages of RTMP 1.0 section 5.4 (types 1, 2, 3, 5, 6; User Control,
 * type 4, is {@link UserControlEvent}). They travel on chunk stream 2, message stream 0, timestamp 0. The
 * readers check the payload length and throw {@link RtmpProtocolException} on a short or invalid one.
 */
public final class ProtocolControl {
    /** Set Peer Bandwidth limit types (5.4.5). */
    public static final int LIMIT_HARD = 0;
    public static final int LIMIT_SOFT = 1;
    public static final int LIMIT_DYNAMIC = 2;

    private ProtocolControl() {
    }

    public static RtmpMessage setChunkSize(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be 1 to 2147483647, was " + chunkSize);
        }
        return control(TYPE_SET_CHUNK_SIZE, Unpooled.buffer(4).writeInt(chunkSize));
    }

    public static RtmpMessage abort(int chunkStreamId) {
        return control(TYPE_ABORT, Unpooled.buffer(4).writeInt(chunkStreamId));
    }

    /** Acknowledgement of {@code bytesReceived} bytes; the field is 32 bits and wraps. */
    public static RtmpMessage acknowledgement(long bytesReceived) {
        return control(TYPE_ACKNOWLEDGEMENT, Unpooled.buffer(4).writeInt((int) bytesReceived));
    }

    public static RtmpMessage windowAcknowledgementSize(long windowSize) {
        checkUint32(windowSize, "window acknowledgement size");
        return control(TYPE_WINDOW_ACK_SIZE, Unpooled.buffer(4).writeInt((int) windowSize));
    }

    public static RtmpMessage setPeerBandwidth(long windowSize, int limitType) {
        checkUint32(windowSize, "peer bandwidth");
        if (limitType < LIMIT_HARD || limitType > LIMIT_DYNAMIC) {
            throw new IllegalArgumentException("limit type must be 0, 1 or 2, was " + limitType);
        }
        return control(TYPE_SET_PEER_BANDWIDTH, Unpooled.buffer(5).writeInt((int) windowSize).writeByte(limitType));
    }

    /** The chunk size of a Set Chunk Size message: 1 to 2^31-1. */
    public static int readSetChunkSize(RtmpMessage message) {
        long value = readUint32(message, TYPE_SET_CHUNK_SIZE, "Set Chunk Size");
        if (value < 1 || value > RtmpConstants.MAX_CHUNK_SIZE_FIELD) {
            throw new RtmpProtocolException("Set Chunk Size of " + value + " is outside 1..2147483647");
        }
        return (int) value;
    }

    /** The chunk stream id an Abort Message names. */
    public static long readAbort(RtmpMessage message) {
        return readUint32(message, TYPE_ABORT, "Abort Message");
    }

    public static long readAcknowledgement(RtmpMessage message) {
        return readUint32(message, TYPE_ACKNOWLEDGEMENT, "Acknowledgement");
    }

    public static long readWindowAcknowledgementSize(RtmpMessage message) {
        return readUint32(message, TYPE_WINDOW_ACK_SIZE, "Window Acknowledgement Size");
    }

    /** The window size of a Set Peer Bandwidth message; its limit type is {@link #readPeerBandwidthLimitType}. */
    public static long readPeerBandwidth(RtmpMessage message) {
        checkShape(message, TYPE_SET_PEER_BANDWIDTH, 5, "Set Peer Bandwidth");
        ByteBuf payload = message.content();
        return payload.getUnsignedInt(payload.readerIndex());
    }

    public static int readPeerBandwidthLimitType(RtmpMessage message) {
        checkShape(message, TYPE_SET_PEER_BANDWIDTH, 5, "Set Peer Bandwidth");
        ByteBuf payload = message.content();
        return payload.getUnsignedByte(payload.readerIndex() + 4);
    }

    private static long readUint32(RtmpMessage message, int type, String name) {
        checkShape(message, type, 4, name);
        ByteBuf payload = message.content();
        return payload.getUnsignedInt(payload.readerIndex());
    }

    private static void checkShape(RtmpMessage message, int type, int length, String name) {
        if (message.typeId() != type) {
            throw new IllegalArgumentException("not a " + name + " message: " + message);
        }
        if (message.content().readableBytes() < length) {
            throw new RtmpProtocolException(name + " payload of " + message.content().readableBytes()
                    + " bytes, expected " + length);
        }
    }

    private static void checkUint32(long value, String name) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + " must be 0 to 4294967295, was " + value);
        }
    }

    private static RtmpMessage control(int type, ByteBuf payload) {
        return new RtmpMessage(RtmpConstants.CSID_CONTROL, type, 0, 0, payload);
    }
}
