package io.aqueduct.rtmp.internal.server;

import io.aqueduct.rtmp.internal.flv.FlvException;
import io.netty.buffer.ByteBuf;

/**
 * Splits an RTMP aggregate message (type 22, RTMP 1.0 section 7.1.6) into its audio and video tags. The body is
 * a run of FLV tags (11-byte header, data, 4-byte back pointer); the first tag's timestamp corresponds to the
 * aggregate message's own timestamp, and the others keep their offsets from it.
 */
final class AggregateMessage {
    private static final int TAG_HEADER = 11;
    private static final int BACK_POINTER = 4;

    /** Receives one tag: its type (8 audio, 9 video, 18 data), its timestamp in ms and its data (a slice). */
    @FunctionalInterface
    interface TagConsumer {
        void accept(int type, long timestampMs, ByteBuf data) throws FlvException;
    }

    private AggregateMessage() {
    }

    static void split(long timestampMs, ByteBuf body, TagConsumer consumer) throws FlvException {
        ByteBuf in = body.duplicate();
        long first = -1;
        while (in.isReadable()) {
            if (in.readableBytes() < TAG_HEADER) {
                throw new FlvException("aggregate message ends inside a tag header (" + in.readableBytes() + " bytes left)");
            }
            int type = in.readUnsignedByte() & 0x1f;
            int size = in.readUnsignedMedium();
            long ts = in.readUnsignedMedium() | ((long) in.readUnsignedByte() << 24);
            in.skipBytes(3); // stream id, always 0
            if (in.readableBytes() < size) {
                throw new FlvException("aggregate message: a tag of " + size + " bytes overruns the message ("
                        + in.readableBytes() + " bytes left)");
            }
            if (first < 0) {
                first = ts;
            }
            ByteBuf data = in.readSlice(size);
            in.skipBytes(Math.min(BACK_POINTER, in.readableBytes()));
            consumer.accept(type, Math.max(0, timestampMs + (ts - first)), data); // never before zero, whatever a tag says
        }
    }
}
