package io.aqueduct.rtmp.internal.chunk;

/** Message type ids, well-known chunk stream ids and sizes from the RTMP 1.0 specification. */
public final class RtmpConstants {
    // Protocol control messages (5.4), sent on chunk stream 2, message stream 0.
    public static final int TYPE_SET_CHUNK_SIZE = 1;
    public static final int TYPE_ABORT = 2;
    public static final int TYPE_ACKNOWLEDGEMENT = 3;
    public static final int TYPE_USER_CONTROL = 4;
    public static final int TYPE_WINDOW_ACK_SIZE = 5;
    public static final int TYPE_SET_PEER_BANDWIDTH = 6;
    // RTMP messages (7.1)
    public static final int TYPE_AUDIO = 8;
    public static final int TYPE_VIDEO = 9;
    public static final int TYPE_DATA_AMF3 = 15;
    public static final int TYPE_SHARED_OBJECT_AMF3 = 16;
    public static final int TYPE_COMMAND_AMF3 = 17;
    public static final int TYPE_DATA_AMF0 = 18;
    public static final int TYPE_SHARED_OBJECT_AMF0 = 19;
    public static final int TYPE_COMMAND_AMF0 = 20;
    public static final int TYPE_AGGREGATE = 22;

    /** Chunk stream for protocol control messages. */
    public static final int CSID_CONTROL = 2;
    /** Chunk streams we send on, by kind of message (the numbers librtmp and ffmpeg use). */
    public static final int CSID_COMMAND = 3;
    public static final int CSID_AUDIO = 4;
    public static final int CSID_DATA = 5;
    public static final int CSID_VIDEO = 6;
    /** The lowest and highest chunk stream ids the basic header can carry. */
    public static final int CSID_MIN = 2;
    public static final int CSID_MAX = 65_599;

    /** Chunk size both directions start with (5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    /** Set Chunk Size allows 1 to 2^31-1 (the top bit must be zero). */
    public static final int MAX_CHUNK_SIZE_FIELD = 0x7FFF_FFFF;
    /** A message length is a 24-bit field. */
    public static final int MAX_MESSAGE_LENGTH_FIELD = 0xFF_FFFF;
    /** A timestamp field of this value means "look in the extended timestamp" (5.3.1.3). */
    public static final int EXTENDED_TIMESTAMP_MARKER = 0xFF_FFFF;

    private RtmpConstants() {
    }

    /** The chunk stream we send a message of this type on when the caller does not pick one. */
    public static int defaultChunkStreamId(int typeId) {
        return switch (typeId) {
            case TYPE_SET_CHUNK_SIZE, TYPE_ABORT, TYPE_ACKNOWLEDGEMENT, TYPE_USER_CONTROL, TYPE_WINDOW_ACK_SIZE,
                    TYPE_SET_PEER_BANDWIDTH -> CSID_CONTROL;
            case TYPE_AUDIO -> CSID_AUDIO;
            case TYPE_VIDEO, TYPE_AGGREGATE -> CSID_VIDEO;
            case TYPE_DATA_AMF0, TYPE_DATA_AMF3 -> CSID_DATA;
            default -> CSID_COMMAND;
        };
    }
}
