package io.aqueduct.edge.internal.wire;

import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.DefaultByteBufHolder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One frame of the relay protocol. The constructors check every field against the protocol's ranges and limits
 * ({@link IllegalArgumentException} naming the field), so what can be built can be encoded; reasons longer than
 * {@value RelayProtocol#MAX_STRING_BYTES} UTF-8 bytes are cut to fit. Only {@link Packet} holds a buffer.
 */
public sealed interface RelayFrame {

    FrameType type();

    /** Edge → origin, first frame: who the edge is and its token. */
    record Hello(int version, String edgeId, String token) implements RelayFrame {
        public Hello {
            checkVersion(version);
            checkNodeId("edge id", edgeId);
            checkString("token", token);
        }

        @Override
        public FrameType type() {
            return FrameType.HELLO;
        }
    }

    /** Edge → origin: send me this stream; answered by STREAM or NOT_FOUND with the same request id. */
    record Subscribe(int requestId, StreamKey key) implements RelayFrame {
        public Subscribe {
            checkId("request id", requestId);
            Objects.requireNonNull(key, "key");
        }

        @Override
        public FrameType type() {
            return FrameType.SUBSCRIBE;
        }
    }

    /** Edge → origin: stop sending this stream; answered by END. */
    record Unsubscribe(int streamId) implements RelayFrame {
        public Unsubscribe {
            checkId("stream id", streamId);
        }

        @Override
        public FrameType type() {
            return FrameType.UNSUBSCRIBE;
        }
    }

    /** Edge → origin: the answer to a PING. */
    record Pong() implements RelayFrame {
        public static final Pong INSTANCE = new Pong();

        @Override
        public FrameType type() {
            return FrameType.PONG;
        }
    }

    /** Origin → edge: the HELLO was accepted; subscriptions may follow. */
    record Welcome(int version, String originId) implements RelayFrame {
        public Welcome {
            checkVersion(version);
            checkNodeId("origin id", originId);
        }

        @Override
        public FrameType type() {
            return FrameType.WELCOME;
        }
    }

    /** Origin → edge: the connection is refused (a bad token, a malformed frame); the origin closes it. */
    record Refused(String reason) implements RelayFrame {
        public Refused {
            reason = fit(reason);
        }

        @Override
        public FrameType type() {
            return FrameType.REFUSED;
        }
    }

    /**
     * Origin → edge: the subscription {@code requestId} is live as {@code streamId}; exactly {@code trackCount}
     * TRACK frames of the stream (its tracks as the origin knows them now) follow before anything else of it.
     * {@code renditionOf} (version 2, null for none) is the stream its publisher declared it a rendition of.
     */
    record Stream(int requestId, int streamId, StreamKey key, int trackCount, StreamKey renditionOf)
            implements RelayFrame {
        /** A STREAM without renditionOf: a stream in its own right, or any stream to a version 1 edge. */
        public Stream(int requestId, int streamId, StreamKey key, int trackCount) {
            this(requestId, streamId, key, trackCount, null);
        }

        public Stream {
            checkId("request id", requestId);
            checkId("stream id", streamId);
            Objects.requireNonNull(key, "key");
            if (trackCount < 0 || trackCount > RelayProtocol.MAX_TRACKS) {
                throw new IllegalArgumentException("track count " + trackCount + " is not within 0.."
                        + RelayProtocol.MAX_TRACKS);
            }
        }

        @Override
        public FrameType type() {
            return FrameType.STREAM;
        }
    }

    /** Origin → edge: a track of a stream, new or with a changed configuration. */
    record TrackInfo(int streamId, Track track) implements RelayFrame {
        public TrackInfo {
            checkId("stream id", streamId);
            checkTrack(track);
        }

        @Override
        public FrameType type() {
            return FrameType.TRACK;
        }
    }

    /** Origin → edge: the stream ended on the origin, or after an UNSUBSCRIBE; its stream id is not used again. */
    record End(int streamId, String reason) implements RelayFrame {
        public End {
            checkId("stream id", streamId);
            reason = fit(reason);
        }

        @Override
        public FrameType type() {
            return FrameType.END;
        }
    }

    /** Origin → edge: the subscription {@code requestId} failed: the stream is not live here (or not allowed). */
    record NotFound(int requestId, StreamKey key, String reason) implements RelayFrame {
        public NotFound {
            checkId("request id", requestId);
            Objects.requireNonNull(key, "key");
            reason = fit(reason);
        }

        @Override
        public FrameType type() {
            return FrameType.NOT_FOUND;
        }
    }

    /** Origin → edge: are you there? Answered by PONG. */
    record Ping() implements RelayFrame {
        public static final Ping INSTANCE = new Ping();

        @Override
        public FrameType type() {
            return FrameType.PING;
        }
    }

    /**
     * Origin → edge: one access unit of a track whose TRACK was sent before. Holds one reference to its payload:
     * whoever has the frame releases it (writing it to a channel does).
     */
    final class Packet extends DefaultByteBufHolder implements RelayFrame {
        private final int streamId;
        private final int trackId;
        private final long dts;
        private final long pts;
        private final boolean keyframe;

        /**
         * Takes over the caller's reference to {@code payload}, also when it throws (it releases the payload then).
         */
        public Packet(int streamId, int trackId, long dts, long pts, boolean keyframe, ByteBuf payload) {
            super(checked(streamId, trackId, payload));
            this.streamId = streamId;
            this.trackId = trackId;
            this.dts = dts;
            this.pts = pts;
            this.keyframe = keyframe;
        }

        @Override
        public FrameType type() {
            return FrameType.PACKET;
        }

        public int streamId() {
            return streamId;
        }

        public int trackId() {
            return trackId;
        }

        /** Decoding timestamp, microseconds. */
        public long dts() {
            return dts;
        }

        /** Presentation timestamp, microseconds. */
        public long pts() {
            return pts;
        }

        public boolean keyframe() {
            return keyframe;
        }

        private static ByteBuf checked(int streamId, int trackId, ByteBuf payload) {
            try {
                checkId("stream id", streamId);
                checkTrackId(trackId);
                if (payload.readableBytes() > RelayProtocol.MAX_PAYLOAD_BYTES) {
                    throw new IllegalArgumentException("payload of " + payload.readableBytes() + " bytes exceeds "
                            + RelayProtocol.MAX_PAYLOAD_BYTES);
                }
                return payload;
            } catch (IllegalArgumentException e) {
                payload.release();
                throw e;
            }
        }

        @Override
        public Packet replace(ByteBuf content) {
            return new Packet(streamId, trackId, dts, pts, keyframe, content);
        }

        @Override
        public Packet retain() {
            super.retain();
            return this;
        }

        @Override
        public Packet retain(int increment) {
            super.retain(increment);
            return this;
        }

        @Override
        public Packet touch() {
            super.touch();
            return this;
        }

        @Override
        public Packet touch(Object hint) {
            super.touch(hint);
            return this;
        }

        @Override
        public String toString() {
            return "Packet[stream " + streamId + " track " + trackId + " dts=" + dts + " pts=" + pts
                    + (keyframe ? " key" : "") + " " + (refCnt() > 0 ? content().readableBytes() + "B" : "released")
                    + "]";
        }
    }

    private static void checkVersion(int version) {
        if (version < 1 || version > 0xFFFF) {
            throw new IllegalArgumentException("protocol version " + version + " is not within 1..65535");
        }
    }

    /** Request and stream ids: 1 to 2^31-1. */
    private static void checkId(String what, int id) {
        if (id < 1) {
            throw new IllegalArgumentException(what + " " + Integer.toUnsignedString(id) + " is not within 1.."
                    + Integer.MAX_VALUE);
        }
    }

    private static void checkTrackId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("track id " + Integer.toUnsignedString(id) + " is not within 0.."
                    + Integer.MAX_VALUE);
        }
    }

    private static void checkNodeId(String what, String id) {
        checkString(what, id);
        if (id.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }

    private static void checkString(String what, String s) {
        Objects.requireNonNull(s, what);
        int bytes = ByteBufUtil.utf8Bytes(s);
        if (bytes > RelayProtocol.MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " of " + bytes + " bytes exceeds "
                    + RelayProtocol.MAX_STRING_BYTES);
        }
    }

    private static void checkTrack(Track t) {
        Objects.requireNonNull(t, "track");
        checkTrackId(t.id());
        if (t.width() < 0 || t.height() < 0 || t.sampleRate() < 0 || t.channels() < 0 || t.bitrate() < 0) {
            throw new IllegalArgumentException("negative size, rate, channels or bitrate in " + t);
        }
        int config = t.config().length;
        if (config > RelayProtocol.MAX_CONFIG_BYTES) {
            throw new IllegalArgumentException("codec configuration of " + config + " bytes exceeds "
                    + RelayProtocol.MAX_CONFIG_BYTES);
        }
    }

    /** A reason cut to {@value RelayProtocol#MAX_STRING_BYTES} UTF-8 bytes (never inside a character). */
    private static String fit(String reason) {
        String s = reason == null ? "" : reason;
        if (ByteBufUtil.utf8Bytes(s) <= RelayProtocol.MAX_STRING_BYTES) {
            return s;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int end = RelayProtocol.MAX_STRING_BYTES;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--; // do not cut a multi-byte character
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }
}
