package io.aqueduct.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.List;

/**
 * Encodes {@link RtmpMessage}s as RTMP chunks (RTMP 1.0 section 5.3), each on its message's chunk stream.
 *
 * <p>It picks the smallest header the receiver can expand: type 0 for a chunk stream's first message, a new
 * message stream or a timestamp that goes backwards; type 1 when length or type change; type 2 when only the
 * delta changes; type 3 when the delta repeats that of a previous type 1 or 2 header. It never sends a type 3
 * new message straight after a type 0 (where the spec's "delta is the type 0 timestamp" rule is read
 * differently by different peers), and writes the extended timestamp on every chunk of a message whose
 * timestamp field is 0xFFFFFF or more, continuation chunks included (5.3.1.3).
 *
 * <p>Not {@code @Sharable}, unlike the usual stateless encoder: the header compression and the outgoing chunk
 * size are per connection. A {@link RtmpConstants#TYPE_SET_CHUNK_SIZE Set Chunk Size} written through it
 * takes effect for the messages after it, so size and messages can never disagree. Payloads are not copied
 * when a message spans at most {@value #MAX_COMPOSITE_CHUNKS} chunks: the output is a composite of the header
 * bytes and retained slices of the payload; longer ones (a small chunk size) are copied into one buffer.
 */
public final class RtmpChunkEncoder extends MessageToMessageEncoder<RtmpMessage> {
    static final int MAX_COMPOSITE_CHUNKS = 16;
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private final IntObjectMap<SentHeader> sent = new IntObjectHashMap<>();
    private int chunkSize = RtmpConstants.DEFAULT_CHUNK_SIZE;

    public RtmpChunkEncoder() {
        super(RtmpMessage.class);
    }

    /** The outgoing chunk size now in force. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, List<Object> out) {
        ByteBuf payload = msg.content();
        int length = payload.readableBytes();
        if (length > RtmpConstants.MAX_MESSAGE_LENGTH_FIELD) {
            throw new EncoderException("RTMP message of " + length + " bytes exceeds the 24-bit length field");
        }
        int nextChunkSize = chunkSize;
        if (msg.typeId() == RtmpConstants.TYPE_SET_CHUNK_SIZE) {
            nextChunkSize = ProtocolControl.readSetChunkSize(msg);
        }
        int csid = msg.chunkStreamId();
        long timestamp = msg.timestamp();
        SentHeader last = sent.get(csid);
        long delta = last == null ? -1 : timestamp - last.timestamp;
        int fmt;
        if (last == null || last.messageStreamId != msg.messageStreamId() || delta < 0 || delta > UINT32_MAX) {
            fmt = 0;
        } else if (last.length != length || last.typeId != msg.typeId()) {
            fmt = 1;
        } else if (!last.deltaRepeatable || last.delta != delta) {
            fmt = 2;
        } else {
            fmt = 3;
        }
        long field = fmt == 0 ? timestamp & UINT32_MAX : delta;
        boolean extended = field >= RtmpConstants.EXTENDED_TIMESTAMP_MARKER;
        if (fmt == 3 && extended != last.extended) {
            fmt = 2; // the receiver decides on an extended field from the last full header; keep it in step
        }

        ByteBuf output = chunk(ctx.alloc(), msg, fmt, field, extended, chunkSize);
        out.add(output);

        if (last == null) {
            last = new SentHeader();
            sent.put(csid, last);
        }
        last.messageStreamId = msg.messageStreamId();
        last.length = length;
        last.typeId = msg.typeId();
        last.timestamp = timestamp;
        if (fmt != 3) {
            last.extended = extended;
            last.delta = fmt == 0 ? -1 : delta;
            last.deltaRepeatable = fmt != 0;
        }
        chunkSize = nextChunkSize;
    }

    /**
     * A message as chunks that need no earlier header on their chunk stream: a type 0 first header, then type 3
     * continuations. The same bytes are right for every connection with this outgoing chunk size, so a frame
     * sent to many players is chunked once and written to each as a duplicate. Writing these bytes directly
     * (past this encoder) is only correct on a chunk stream this encoder never uses for the connection.
     */
    public static ByteBuf encodeFullHeader(ByteBufAllocator alloc, RtmpMessage msg, int chunkSize) {
        int length = msg.content().readableBytes();
        if (length > RtmpConstants.MAX_MESSAGE_LENGTH_FIELD) {
            throw new EncoderException("RTMP message of " + length + " bytes exceeds the 24-bit length field");
        }
        long field = msg.timestamp() & UINT32_MAX;
        return chunk(alloc, msg, 0, field, field >= RtmpConstants.EXTENDED_TIMESTAMP_MARKER, chunkSize);
    }

    /** Splits a message into chunks behind a first header of type {@code fmt}. */
    private static ByteBuf chunk(ByteBufAllocator alloc, RtmpMessage msg, int fmt, long field, boolean extended,
            int chunkSize) {
        ByteBuf payload = msg.content();
        int length = payload.readableBytes();
        int csid = msg.chunkStreamId();
        int chunks = Math.max(1, (length + chunkSize - 1) / chunkSize);
        int basicLength = csid < 64 ? 1 : csid < 320 ? 2 : 3;
        int continuationLength = basicLength + (extended ? 4 : 0);
        int firstLength = basicLength + (fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0) + (extended ? 4 : 0);
        int headersLength = firstLength + (chunks - 1) * continuationLength;

        ByteBuf output;
        if (chunks <= MAX_COMPOSITE_CHUNKS) {
            ByteBuf headers = alloc.buffer(headersLength);
            CompositeByteBuf composite = alloc.compositeBuffer(chunks * 2);
            try {
                for (int i = 0, offset = payload.readerIndex(); i < chunks; i++) {
                    int start = headers.writerIndex();
                    if (i == 0) {
                        writeFirstHeader(headers, fmt, csid, field, extended, length, msg);
                    } else {
                        writeBasicHeader(headers, 3, csid);
                        if (extended) {
                            headers.writeInt((int) field);
                        }
                    }
                    composite.addComponent(true, headers.retainedSlice(start, headers.writerIndex() - start));
                    int n = Math.min(chunkSize, length - i * chunkSize);
                    if (n > 0) {
                        composite.addComponent(true, payload.retainedSlice(offset, n));
                        offset += n;
                    }
                }
            } catch (RuntimeException e) {
                composite.release();
                throw e;
            } finally {
                headers.release();
            }
            output = composite;
        } else {
            output = alloc.buffer(headersLength + length);
            writeFirstHeader(output, fmt, csid, field, extended, length, msg);
            for (int i = 0, offset = payload.readerIndex(); i < chunks; i++) {
                if (i > 0) {
                    writeBasicHeader(output, 3, csid);
                    if (extended) {
                        output.writeInt((int) field);
                    }
                }
                int n = Math.min(chunkSize, length - i * chunkSize);
                output.writeBytes(payload, offset, n);
                offset += n;
            }
        }
        return output;
    }

    private static void writeFirstHeader(ByteBuf out, int fmt, int csid, long field, boolean extended, int length,
            RtmpMessage msg) {
        writeBasicHeader(out, fmt, csid);
        if (fmt <= 2) {
            out.writeMedium(extended ? RtmpConstants.EXTENDED_TIMESTAMP_MARKER : (int) field);
        }
        if (fmt <= 1) {
            out.writeMedium(length);
            out.writeByte(msg.typeId());
        }
        if (fmt == 0) {
            out.writeIntLE(msg.messageStreamId());
        }
        if (extended) {
            out.writeInt((int) field);
        }
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 64) {
            out.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6);
            out.writeByte(csid - 64);
        } else {
            out.writeByte(fmt << 6 | 1);
            out.writeShortLE(csid - 64);
        }
    }

    /** The last header sent on one chunk stream. */
    private static final class SentHeader {
        int messageStreamId;
        int length;
        int typeId;
        long timestamp;
        long delta;
        boolean deltaRepeatable;
        boolean extended;
    }
}
