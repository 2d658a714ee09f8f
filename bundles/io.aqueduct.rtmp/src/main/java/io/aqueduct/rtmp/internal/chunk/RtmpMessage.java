package io.aqueduct.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One RTMP message: its type, message stream, timestamp and payload, plus the chunk stream it came in on or
 * should go out on. Reference counted through its payload: whoever consumes a message releases it.
 *
 * <p>The timestamp is in milliseconds. On the wire it is 32 bits and wraps after about 49.7 days; the decoder
 * unwraps it into this {@code long}, and the encoder writes its low 32 bits.
 */
public final class RtmpMessage extends DefaultByteBufHolder {
    private final int chunkStreamId;
    private final int typeId;
    private final int messageStreamId;
    private final long timestamp;

    /** A message on the chunk stream {@link RtmpConstants#defaultChunkStreamId(int) usual} for its type. */
    public RtmpMessage(int typeId, int messageStreamId, long timestamp, ByteBuf payload) {
        this(RtmpConstants.defaultChunkStreamId(typeId), typeId, messageStreamId, timestamp, payload);
    }

    public RtmpMessage(int chunkStreamId, int typeId, int messageStreamId, long timestamp, ByteBuf payload) {
        super(payload);
        if (chunkStreamId < RtmpConstants.CSID_MIN || chunkStreamId > RtmpConstants.CSID_MAX) {
            throw new IllegalArgumentException("chunk stream id must be 2 to 65599, was " + chunkStreamId);
        }
        if (typeId < 0 || typeId > 0xFF) {
            throw new IllegalArgumentException("message type id must be 0 to 255, was " + typeId);
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp must not be negative, was " + timestamp);
        }
        this.chunkStreamId = chunkStreamId;
        this.typeId = typeId;
        this.messageStreamId = messageStreamId;
        this.timestamp = timestamp;
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    public int typeId() {
        return typeId;
    }

    /** The message stream id, an unsigned 32-bit value held in an int. */
    public int messageStreamId() {
        return messageStreamId;
    }

    /** Milliseconds, unwrapped past 2^32. */
    public long timestamp() {
        return timestamp;
    }

    public ByteBuf payload() {
        return content();
    }

    @Override
    public RtmpMessage replace(ByteBuf content) {
        return new RtmpMessage(chunkStreamId, typeId, messageStreamId, timestamp, content);
    }

    @Override
    public RtmpMessage copy() {
        return (RtmpMessage) super.copy();
    }

    @Override
    public RtmpMessage duplicate() {
        return (RtmpMessage) super.duplicate();
    }

    @Override
    public RtmpMessage retainedDuplicate() {
        return (RtmpMessage) super.retainedDuplicate();
    }

    @Override
    public RtmpMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public RtmpMessage retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public RtmpMessage touch() {
        super.touch();
        return this;
    }

    @Override
    public RtmpMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "RtmpMessage(csid=" + chunkStreamId + ", type=" + typeId + ", stream="
                + Integer.toUnsignedString(messageStreamId) + ", ts=" + timestamp + ", length="
                + (refCnt() > 0 ? content().readableBytes() : -1) + ")";
    }
}
