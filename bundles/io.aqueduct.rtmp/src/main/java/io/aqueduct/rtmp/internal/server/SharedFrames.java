package io.aqueduct.rtmp.internal.server;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.rtmp.internal.chunk.RtmpChunkEncoder;
import io.aqueduct.rtmp.internal.chunk.RtmpConstants;
import io.aqueduct.rtmp.internal.chunk.RtmpMessage;
import io.aqueduct.rtmp.internal.flv.MediaToFlv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames as RTMP chunks, made once and written to every player. Every player of a stream gets the same
 * packets at about the same time, with the same message stream id and chunk size, so the FLV tag and the chunk
 * headers are the same bytes for all of them: the first player to write a frame chunks it, the others write a
 * duplicate. Bounded: the oldest frames are dropped (and released) first.
 */
final class SharedFrames {
    /** Several seconds of audio and video of a few streams; players drain within one flush interval. */
    static final int CAPACITY = 1024;

    private final Map<MediaPacket, ByteBuf> frames = new LinkedHashMap<>(CAPACITY * 2, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<MediaPacket, ByteBuf> eldest) {
            if (size() > CAPACITY) {
                eldest.getValue().release();
                return true;
            }
            return false;
        }
    };

    /** The chunks of a frame for a player on message stream 1; the caller writes (and so releases) them. */
    ByteBuf chunks(ByteBufAllocator alloc, MediaPacket packet) {
        synchronized (frames) {
            ByteBuf chunks = frames.get(packet);
            if (chunks == null) {
                chunks = flat(alloc, encode(alloc, frame(alloc, packet, 1)));
                frames.put(packet, chunks);
            }
            return chunks.retainedDuplicate();
        }
    }

    /** A frame as an RTMP audio or video message on its own chunk stream. */
    static RtmpMessage frame(ByteBufAllocator alloc, MediaPacket packet, int messageStreamId) {
        boolean video = MediaToFlv.isVideo(packet.track().codec());
        return new RtmpMessage(video ? RtmpConstants.CSID_VIDEO : RtmpConstants.CSID_AUDIO,
                video ? RtmpConstants.TYPE_VIDEO : RtmpConstants.TYPE_AUDIO, messageStreamId,
                MediaToFlv.timestampMs(packet), MediaToFlv.frame(alloc, packet));
    }

    /**
     * One contiguous copy of a frame's chunks. Made once per frame, it spares every player's flush from gathering
     * the many small pieces (chunk headers, tag header, payload slices) of the composite.
     */
    private static ByteBuf flat(ByteBufAllocator alloc, ByteBuf chunks) {
        try {
            return alloc.directBuffer(chunks.readableBytes()).writeBytes(chunks);
        } finally {
            chunks.release();
        }
    }

    /** Chunks a message with a full header, releasing the message. */
    static ByteBuf encode(ByteBufAllocator alloc, RtmpMessage message) {
        try {
            return RtmpChunkEncoder.encodeFullHeader(alloc, message, RtmpSession.OUTGOING_CHUNK_SIZE);
        } finally {
            message.release();
        }
    }

    void clear() {
        synchronized (frames) {
            frames.values().forEach(ByteBuf::release);
            frames.clear();
        }
    }
}
