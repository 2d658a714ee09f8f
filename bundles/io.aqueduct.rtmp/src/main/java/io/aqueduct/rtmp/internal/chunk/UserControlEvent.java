package io.aqueduct.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A User Control message (type 4, RTMP 1.0 sections 6.2 and 7.1.7): an event type and its data. Most events
 * carry one 32-bit value (a message stream id for Stream Begin/EOF/Dry/Is Recorded, a timestamp for Ping);
 * Set Buffer Length carries a stream id and a buffer length in milliseconds ({@code extra}).
 */
public record UserControlEvent(int eventType, long value, long extra) {
    public static final int STREAM_BEGIN = 0;
    public static final int STREAM_EOF = 1;
    public static final int STREAM_DRY = 2;
    public static final int SET_BUFFER_LENGTH = 3;
    public static final int STREAM_IS_RECORDED = 4;
    public static final int PING_REQUEST = 6;
    public static final int PING_RESPONSE = 7;

    public static UserControlEvent streamBegin(int messageStreamId) {
        return new UserControlEvent(STREAM_BEGIN, Integer.toUnsignedLong(messageStreamId), 0);
    }

    public static UserControlEvent streamEof(int messageStreamId) {
        return new UserControlEvent(STREAM_EOF, Integer.toUnsignedLong(messageStreamId), 0);
    }

    public static UserControlEvent setBufferLength(int messageStreamId, long bufferMillis) {
        return new UserControlEvent(SET_BUFFER_LENGTH, Integer.toUnsignedLong(messageStreamId), bufferMillis);
    }

    public static UserControlEvent pingRequest(long timestamp) {
        return new UserControlEvent(PING_REQUEST, timestamp & 0xFFFF_FFFFL, 0);
    }

    public static UserControlEvent pingResponse(long timestamp) {
        return new UserControlEvent(PING_RESPONSE, timestamp & 0xFFFF_FFFFL, 0);
    }

    /** Reads the event of a User Control message; a payload too short for its event type is a protocol error. */
    public static UserControlEvent read(RtmpMessage message) {
        if (message.typeId() != RtmpConstants.TYPE_USER_CONTROL) {
            throw new IllegalArgumentException("not a User Control message: " + message);
        }
        ByteBuf payload = message.content();
        int index = payload.readerIndex();
        int length = payload.readableBytes();
        if (length < 2) {
            throw new RtmpProtocolException("User Control message of " + length + " bytes has no event type");
        }
        int type = payload.getUnsignedShort(index);
        int needed = type == SET_BUFFER_LENGTH ? 10 : 6;
        if (length < needed) {
            throw new RtmpProtocolException("User Control event " + type + " needs " + needed + " bytes, got " + length);
        }
        long value = payload.getUnsignedInt(index + 2);
        long extra = type == SET_BUFFER_LENGTH ? payload.getUnsignedInt(index + 6) : 0;
        return new UserControlEvent(type, value, extra);
    }

    /** This event as a message on the control chunk stream. */
    public RtmpMessage toMessage() {
        ByteBuf payload = Unpooled.buffer(eventType == SET_BUFFER_LENGTH ? 10 : 6);
        payload.writeShort(eventType).writeInt((int) value);
        if (eventType == SET_BUFFER_LENGTH) {
            payload.writeInt((int) extra);
        }
        return new RtmpMessage(RtmpConstants.CSID_CONTROL, RtmpConstants.TYPE_USER_CONTROL, 0, 0, payload);
    }
}
