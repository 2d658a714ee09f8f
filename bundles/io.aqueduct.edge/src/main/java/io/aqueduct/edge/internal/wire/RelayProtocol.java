package io.aqueduct.edge.internal.wire;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaType;
import java.time.Duration;

/** Constants of the relay protocol; see the package documentation for the specification. */
public final class RelayProtocol {
    /** The newest protocol version this code speaks: an edge says it in HELLO (see the package documentation). */
    public static final int VERSION = 2;
    /** The oldest version this code speaks: an origin takes a HELLO of it, an edge falls back to it. */
    public static final int MIN_VERSION = 1;

    /** Bytes before the type byte: the frame length. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /**
     * Largest frame length (type byte and body) an origin sends: 16 MiB. The largest video access units of a
     * high-bitrate 4K stream are a few MiB; the RTMP ingest caps messages at 8 MiB.
     */
    public static final int MAX_ORIGIN_FRAME_LENGTH = 16 << 20;
    /** Largest frame length an edge sends: its frames are small (a HELLO is under 1.1 KiB). */
    public static final int MAX_EDGE_FRAME_LENGTH = 4096;
    /** Largest string (node ids, token, stream key, reasons), in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 512;
    /** Most tracks a STREAM frame announces. */
    public static final int MAX_TRACKS = 64;
    /** Largest codec configuration record in a TRACK frame. */
    public static final int MAX_CONFIG_BYTES = 1 << 20;
    /** Bytes of a PACKET frame before its payload: type, stream id, track id, dts, pts, flags. */
    public static final int PACKET_HEADER_LENGTH = 1 + 4 + 4 + 8 + 8 + 1;
    /** Largest PACKET payload. */
    public static final int MAX_PAYLOAD_BYTES = MAX_ORIGIN_FRAME_LENGTH - PACKET_HEADER_LENGTH;
    /** PACKET flag: a video random access point. */
    public static final int FLAG_KEYFRAME = 0x01;

    /** How long an origin waits for a valid HELLO, and an edge for the WELCOME or REFUSED that answers it. */
    public static final Duration HELLO_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How often an origin sends PING on a connection. Every PING is answered with a PONG, so both sides hear
     * from each other at least this often even when no stream flows.
     */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    /**
     * An edge that receives nothing (no frame, not even a PING) for this long treats the origin as lost: a dead
     * origin is noticed within {@code EDGE_READ_TIMEOUT} plus one check ({@link #EDGE_READ_CHECK}), about
     * 2.6 s, while two PINGs may go missing before that happens.
     */
    public static final Duration EDGE_READ_TIMEOUT = Duration.ofMillis(2500);
    /** How often an edge checks {@link #EDGE_READ_TIMEOUT}. */
    public static final Duration EDGE_READ_CHECK = Duration.ofMillis(100);
    /** An origin closes a connection that sent nothing (no PONG, no request) for this long. */
    public static final Duration ORIGIN_READ_TIMEOUT = Duration.ofSeconds(15);

    private RelayProtocol() {
    }

    /** The codec byte of a TRACK frame. */
    public static int codecCode(Codec codec) {
        return switch (codec) {
            case H264 -> 1;
            case H265 -> 2;
            case AAC -> 3;
            case OPUS -> 4;
            case MP3 -> 5;
            case AMF0 -> 6;
        };
    }

    /** The codec of a codec byte, or null when unknown. */
    public static Codec codec(int code) {
        return switch (code) {
            case 1 -> Codec.H264;
            case 2 -> Codec.H265;
            case 3 -> Codec.AAC;
            case 4 -> Codec.OPUS;
            case 5 -> Codec.MP3;
            case 6 -> Codec.AMF0;
            default -> null;
        };
    }

    /** The media type byte of a TRACK frame. */
    public static int mediaTypeCode(MediaType type) {
        return switch (type) {
            case VIDEO -> 1;
            case AUDIO -> 2;
            case DATA -> 3;
        };
    }

    /** The media type of a media type byte, or null when unknown. */
    public static MediaType mediaType(int code) {
        return switch (code) {
            case 1 -> MediaType.VIDEO;
            case 2 -> MediaType.AUDIO;
            case 3 -> MediaType.DATA;
            default -> null;
        };
    }
}
