package io.aqueduct.core.internal.hub;

import io.aqueduct.api.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * The packets of a stream since its last video keyframe, so a new subscriber starts playing at once. Holds one
 * reference to each packet. Bounded: a stream whose keyframes are further apart than the bounds allow gets no
 * cache until its next keyframe, and new subscribers wait for that keyframe instead.
 */
final class GopCache {
    private final int maxPackets;
    private final long maxBytes;
    private final List<MediaPacket> packets = new ArrayList<>();
    private long bytes;
    /** True while {@link #packets} starts at a video keyframe. */
    private boolean startsAtKeyframe;

    GopCache(int maxPackets, long maxBytes) {
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    /** Takes a packet the stream just received; retains it if it belongs to the current group of pictures. */
    void add(MediaPacket packet) {
        if (packet.isVideoKeyframe()) {
            clear();
            startsAtKeyframe = true;
        } else if (!startsAtKeyframe) {
            return;
        }
        if (packets.size() >= maxPackets || bytes + packet.size() > maxBytes) {
            clear();
            return;
        }
        packets.add(packet.retain());
        bytes += packet.size();
    }

    /** True when a new subscriber can start from the cache. */
    boolean hasKeyframe() {
        return startsAtKeyframe;
    }

    /** The cached packets, oldest first. The caller retains what it keeps. */
    List<MediaPacket> packets() {
        return packets;
    }

    void clear() {
        for (MediaPacket p : packets) {
            p.release();
        }
        packets.clear();
        bytes = 0;
        startsAtKeyframe = false;
    }
}
