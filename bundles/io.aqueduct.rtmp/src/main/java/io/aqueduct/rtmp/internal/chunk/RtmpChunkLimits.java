package io.aqueduct.rtmp.internal.chunk;

/**
 * What one connection's {@link RtmpChunkDecoder} accepts before it closes the connection.
 *
 * @param maxMessageLength the largest message, in bytes. Default 8 MiB: a keyframe of 1080p60 at a high bitrate
 *        is well under 2 MiB; the wire field allows 16 MiB.
 * @param maxChunkSize the largest Set Chunk Size the peer may ask for. Default 16 MiB: encoders use 4096 to
 *        65536, and since a chunk never carries more than one message, a larger chunk size changes nothing
 *        once messages are capped. 0, a negative value or anything above this closes the connection.
 * @param maxChunkStreams the number of distinct chunk stream ids one connection may use. Default 64: encoders
 *        and players use fewer than ten; more is a chunk stream id flood (each id keeps header state).
 * @param maxBufferedBytes the bytes of incomplete messages held across all chunk streams. Default 16 MiB (two
 *        maximal messages), so interleaving many large messages cannot multiply the message limit.
 */
public record RtmpChunkLimits(int maxMessageLength, int maxChunkSize, int maxChunkStreams, int maxBufferedBytes) {
    public static final RtmpChunkLimits DEFAULT = new RtmpChunkLimits(8 << 20, 16 << 20, 64, 16 << 20);

    public RtmpChunkLimits {
        if (maxMessageLength < 1 || maxMessageLength > RtmpConstants.MAX_MESSAGE_LENGTH_FIELD) {
            throw new IllegalArgumentException("maxMessageLength must be 1 to 16777215, was " + maxMessageLength);
        }
        if (maxChunkSize < RtmpConstants.DEFAULT_CHUNK_SIZE) {
            throw new IllegalArgumentException("maxChunkSize must be at least 128, was " + maxChunkSize);
        }
        if (maxChunkStreams < 1 || maxChunkStreams > RtmpConstants.CSID_MAX) {
            throw new IllegalArgumentException("maxChunkStreams must be 1 to 65599, was " + maxChunkStreams);
        }
        if (maxBufferedBytes < maxMessageLength) {
            throw new IllegalArgumentException("maxBufferedBytes must be at least maxMessageLength ("
                    + maxMessageLength + "), was " + maxBufferedBytes);
        }
    }
}
