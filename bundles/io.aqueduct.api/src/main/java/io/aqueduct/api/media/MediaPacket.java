package io.aqueduct.api.media;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * One compressed access unit of a track, reference-counted.
 *
 * <p>The payload is shared, never copied: the hub hands the same packet to every subscriber, each holding a
 * reference of its own. Whoever holds a reference releases it once ({@link #release()}); the payload
 * buffer is freed when the last reference goes. {@link #content()} gives each reader an independent view
 * (its own reader index) of the same bytes; readers must not write to it.
 */
public final class MediaPacket implements ReferenceCounted {
    private final Track track;
    private final long dts;
    private final long pts;
    private final boolean keyframe;
    private final boolean discontinuity;
    private final ByteBuf data;

    private MediaPacket(Track track, long dts, long pts, boolean keyframe, boolean discontinuity, ByteBuf data) {
        this.track = Objects.requireNonNull(track, "track");
        this.data = Objects.requireNonNull(data, "data");
        this.dts = dts;
        this.pts = pts;
        this.keyframe = keyframe;
        this.discontinuity = discontinuity;
    }

    /**
     * A packet that takes over the caller's reference to {@code data}.
     *
     * @param dts decoding timestamp in microseconds
     * @param pts presentation timestamp in microseconds (equal to {@code dts} for audio)
     * @param keyframe true for a video random-access point (IDR); audio and data packets are always true
     */
    public static MediaPacket of(Track track, long dts, long pts, boolean keyframe, ByteBuf data) {
        return new MediaPacket(track, dts, pts, track.mediaType() != MediaType.VIDEO || keyframe, false, data);
    }

    /**
     * This packet moved by {@code offsetMicros} on the time line, and marked as a {@linkplain #isDiscontinuity()
     * discontinuity} when {@code discontinuity} is true. The new packet takes over this packet's reference to the
     * payload (nothing is copied): release one of the two, not both.
     */
    public MediaPacket shifted(long offsetMicros, boolean discontinuity) {
        return new MediaPacket(track, dts + offsetMicros, pts + offsetMicros, keyframe, discontinuity, data);
    }

    public Track track() {
        return track;
    }

    public MediaType mediaType() {
        return track.mediaType();
    }

    /** Decoding timestamp in microseconds. */
    public long dts() {
        return dts;
    }

    /** Presentation timestamp in microseconds. */
    public long pts() {
        return pts;
    }

    public boolean isKeyframe() {
        return keyframe;
    }

    public boolean isVideoKeyframe() {
        return keyframe && track.mediaType() == MediaType.VIDEO;
    }

    /** A view of the payload with its own reader index, sharing the bytes (no copy, no extra reference). */
    /**
     * True when this packet starts a new time line of its track: the stream was interrupted before it (an edge
     * whose origin was lost resumes the stream from another origin), so nothing can be inferred from the time
     * between the previous packet and this one. Timestamps still increase. Segmenters cut here and mark the cut as
     * a discontinuity; players go on.
     */
    public boolean isDiscontinuity() {
        return discontinuity;
    }

    public ByteBuf content() {
        return data.duplicate();
    }

    /** Payload size in bytes. */
    public int size() {
        return data.readableBytes();
    }

    @Override
    public int refCnt() {
        return data.refCnt();
    }

    @Override
    public MediaPacket retain() {
        data.retain();
        return this;
    }

    @Override
    public MediaPacket retain(int increment) {
        data.retain(increment);
        return this;
    }

    @Override
    public MediaPacket touch() {
        data.touch();
        return this;
    }

    @Override
    public MediaPacket touch(Object hint) {
        data.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return data.release();
    }

    @Override
    public boolean release(int decrement) {
        return data.release(decrement);
    }

    @Override
    public String toString() {
        return "MediaPacket[" + track.codec() + " #" + track.id() + " dts=" + dts + " pts=" + pts
                 + (keyframe && track.mediaType() == MediaType.VIDEO ? " key" : "")
                + (discontinuity ? " discontinuity" : "") + " " + size() + "B]";
    }
}
