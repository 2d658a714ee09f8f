package io.aqueduct.rtmp.internal.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the RTMP chunk stream (RTMP 1.0 section 5.3) into {@link RtmpMessage}s.
 *
 * <p>Handles the 1-, 2- and 3-byte basic headers, message header types 0 to 3, extended timestamps (also on
 * type 3 chunks whose chunk stream's last header had one, 5.3.1.3), interleaved chunk streams and timestamp
 * wrap-around. It applies Set Chunk Size and Abort Message itself and does not pass them on; every other
 * message goes up the pipeline and the handler that consumes it releases it.
 *
 * <p>A message that arrives in one chunk is a retained slice of the received bytes (no copy); one spread over
 * several chunks is assembled in a pooled buffer that grows as its chunks arrive, so memory follows what the
 * peer actually sent, never what it announced. Any violation of the protocol or of the {@link RtmpChunkLimits}
 * releases all partial messages, closes the connection and fires an {@link RtmpProtocolException} that says
 * what was wrong. Not sharable: one per connection.
 */
public final class RtmpChunkDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpChunkDecoder.class);
    private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};
    /** Wait for a single-chunk message up to this size to arrive whole, so that it can be sliced, not copied. */
    private static final int SLICE_WAIT_LIMIT = 64 * 1024;

    private final RtmpChunkLimits limits;
    private final IntObjectMap<ChunkStream> streams = new IntObjectHashMap<>();
    private int chunkSize = RtmpConstants.DEFAULT_CHUNK_SIZE;
    /** The chunk stream whose chunk data is being read, or null between chunks. */
    private ChunkStream current;
    /** Data bytes of the current chunk not read yet. */
    private int chunkRemaining;
    private long bufferedBytes;
    private long bytesReceived;
    private boolean failed;

    public RtmpChunkDecoder() {
        this(RtmpChunkLimits.DEFAULT);
    }

    public RtmpChunkDecoder(RtmpChunkLimits limits) {
        this.limits = limits;
    }

    /** The incoming chunk size now in force. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Bytes this decoder has been handed since it was added (for Acknowledgements). */
    public long bytesReceived() {
        return bytesReceived;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesReceived += buf.readableBytes();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeChunks(ctx, in, out);
        } catch (RtmpProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            releasePartials();
            LOG.debug("closing {}: {}", ctx.channel(), e.getMessage());
            ctx.close();
            throw e;
        }
    }

    private void decodeChunks(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (current == null && !readChunkHeader(in, out)) {
                return;
            }
            if (current == null) {
                continue; // an empty message was completed by its header alone
            }
            ChunkStream cs = current;
            if (cs.partial == null && cs.messageLength == chunkRemaining) {
                // The whole message is in this chunk: slice it once it has all arrived.
                if (in.readableBytes() >= chunkRemaining) {
                    ByteBuf payload = in.readRetainedSlice(chunkRemaining);
                    current = null;
                    chunkRemaining = 0;
                    complete(cs, payload, out);
                    continue;
                }
                if (chunkRemaining <= SLICE_WAIT_LIMIT) {
                    return;
                }
            }
            int n = Math.min(in.readableBytes(), chunkRemaining);
            if (cs.partial == null) {
                cs.partial = ctx.alloc().buffer(Math.min(cs.messageLength, SLICE_WAIT_LIMIT), cs.messageLength);
            }
            if (bufferedBytes + n > limits.maxBufferedBytes()) {
                throw new RtmpProtocolException("incomplete messages exceed " + limits.maxBufferedBytes()
                        + " bytes across " + streams.size() + " chunk streams");
            }
            cs.partial.writeBytes(in, n);
            bufferedBytes += n;
            chunkRemaining -= n;
            if (chunkRemaining == 0) {
                current = null;
                if (cs.partial.readableBytes() == cs.messageLength) {
                    ByteBuf payload = cs.partial;
                    cs.partial = null;
                    bufferedBytes -= payload.readableBytes();
                    complete(cs, payload, out);
                }
            }
        }
    }

    /** Parses one chunk header if it has fully arrived; returns false (consuming nothing) if it has not. */
    private boolean readChunkHeader(ByteBuf in, List<Object> out) {
        int index = in.readerIndex();
        int readable = in.readableBytes();
        int first = in.getUnsignedByte(index);
        int fmt = first >>> 6;
        int csid = first & 0x3F;
        int basicLength = 1;
        if (csid == 0) {
            if (readable < 2) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(index + 1);
            basicLength = 2;
        } else if (csid == 1) {
            if (readable < 3) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(index + 1) + (in.getUnsignedByte(index + 2) << 8);
            basicLength = 3;
        }
        int headerLength = basicLength + MESSAGE_HEADER_LENGTH[fmt];
        if (readable < headerLength) {
            return false;
        }
        ChunkStream cs = streams.get(csid);
        int p = index + basicLength;
        long timestampField = fmt <= 2 ? in.getUnsignedMedium(p) : 0;
        boolean extended = fmt <= 2 ? timestampField == RtmpConstants.EXTENDED_TIMESTAMP_MARKER
                : cs != null && cs.extended;
        if (extended) {
            headerLength += 4;
            if (readable < headerLength) {
                return false;
            }
            if (fmt <= 2) {
                timestampField = in.getUnsignedInt(index + headerLength - 4);
            }
        }
        // The whole header is here: validate it against the chunk stream's state, then consume it.
        if (cs == null) {
            if (fmt >= 2) {
                throw new RtmpProtocolException("chunk stream " + csid + " starts with a type " + fmt
                        + " header, which needs a previous message header");
            }
            if (streams.size() >= limits.maxChunkStreams()) {
                throw new RtmpProtocolException("more than " + limits.maxChunkStreams() + " chunk streams");
            }
            cs = new ChunkStream(csid);
            streams.put(csid, cs);
        }
        boolean continuation = cs.partial != null || cs.inProgress;
        if (continuation && fmt != 3) {
            throw new RtmpProtocolException("type " + fmt + " header on chunk stream " + csid
                    + " while its message is incomplete");
        }
        if (!continuation && fmt == 3 && !cs.hasHeader) {
            throw new RtmpProtocolException("chunk stream " + csid + " starts with a type 3 header");
        }
        switch (fmt) {
            case 0 -> {
                cs.messageLength = in.getUnsignedMedium(p + 3);
                cs.typeId = in.getUnsignedByte(p + 6);
                cs.messageStreamId = in.getIntLE(p + 7);
                cs.timestamp = unwrap(cs, timestampField);
                cs.delta = timestampField; // 5.3.1.2.4: a type 3 after a type 0 repeats its timestamp as delta
            }
            case 1 -> {
                cs.messageLength = in.getUnsignedMedium(p + 3);
                cs.typeId = in.getUnsignedByte(p + 6);
                cs.delta = timestampField;
                cs.timestamp += timestampField;
            }
            case 2 -> {
                cs.delta = timestampField;
                cs.timestamp += timestampField;
            }
            default -> {
                if (!continuation) {
                    cs.timestamp += cs.delta;
                }
            }
        }
        if (fmt <= 2) {
            cs.extended = extended;
            cs.hasHeader = true;
        }
        in.skipBytes(headerLength);
        if (!continuation) {
            if (cs.messageLength > limits.maxMessageLength()) {
                throw new RtmpProtocolException("message of " + cs.messageLength + " bytes (type " + cs.typeId
                        + ") on chunk stream " + csid + " exceeds the limit of " + limits.maxMessageLength());
            }
            cs.messageTimestamp = cs.timestamp;
            if (cs.messageLength == 0) {
                complete(cs, in.alloc().buffer(0, 0), out);
                return true;
            }
            cs.inProgress = true;
        }
        int received = cs.partial == null ? 0 : cs.partial.readableBytes();
        chunkRemaining = Math.min(chunkSize, cs.messageLength - received);
        current = cs;
        return true;
    }

    /** Unwraps a 32-bit absolute timestamp relative to the chunk stream's previous one. */
    private static long unwrap(ChunkStream cs, long field) {
        if (!cs.hasHeader) {
            return field;
        }
        long unwrapped = cs.timestamp + (int) (field - cs.timestamp);
        return unwrapped < 0 ? field : unwrapped;
    }

    private void complete(ChunkStream cs, ByteBuf payload, List<Object> out) {
        cs.inProgress = false;
        RtmpMessage message = new RtmpMessage(cs.id, cs.typeId, cs.messageStreamId, cs.messageTimestamp, payload);
        switch (cs.typeId) {
            case RtmpConstants.TYPE_SET_CHUNK_SIZE -> {
                try {
                    int size = ProtocolControl.readSetChunkSize(message);
                    if (size > limits.maxChunkSize()) {
                        throw new RtmpProtocolException("Set Chunk Size of " + size + " exceeds the limit of "
                                + limits.maxChunkSize());
                    }
                    chunkSize = size;
                } finally {
                    message.release();
                }
            }
            case RtmpConstants.TYPE_ABORT -> {
                try {
                    long aborted = ProtocolControl.readAbort(message);
                    ChunkStream target = aborted <= RtmpConstants.CSID_MAX ? streams.get((int) aborted) : null;
                    if (target != null) {
                        target.abort();
                    }
                } finally {
                    message.release();
                }
            }
            default -> out.add(message);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            releasePartials();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartials();
    }

    private void releasePartials() {
        for (ChunkStream cs : streams.values()) {
            cs.abort();
        }
        current = null;
        chunkRemaining = 0;
    }

    /** Header state of one chunk stream, and its message in progress. */
    private final class ChunkStream {
        final int id;
        boolean hasHeader;
        boolean extended;
        int messageLength;
        int typeId;
        int messageStreamId;
        long timestamp;
        long delta;
        long messageTimestamp;
        /** A message has begun and not completed (its bytes may still be in {@link #partial} or unread). */
        boolean inProgress;
        ByteBuf partial;

        ChunkStream(int id) {
            this.id = id;
        }

        void abort() {
            if (partial != null) {
                bufferedBytes -= partial.readableBytes();
                partial.release();
                partial = null;
            }
            if (inProgress && current == this) {
                current = null;
                chunkRemaining = 0;
            }
            inProgress = false;
        }
    }
}
