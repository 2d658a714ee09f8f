package io.aqueduct.api.stream;

import io.aqueduct.api.media.MediaPacket;
import java.util.Collection;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The receiving side of one subscriber: a bounded queue the hub fills and the subscriber drains. May be
 * drained from any one thread.
 */
@ProviderType
public interface Subscription extends AutoCloseable {

    StreamKey key();

    /** The next packet, or null when none is queued. The caller owns the returned reference and releases it. */
    MediaPacket poll();

    /**
     * Moves up to {@code max} queued packets into {@code sink}, in order; the caller owns and releases them.
     * Draining in batches lets a player write several frames per system call.
     *
     * @return how many packets were moved
     */
    int drainTo(Collection<? super MediaPacket> sink, int max);

    /** True once the stream ended (or this subscription was dropped) and every packet before that was taken. */
    boolean isEnded();

    /** Why the subscription ended, or null while it is open. */
    EndReason endReason();

    /** Packets this subscriber lost because it was too slow. */
    long droppedPackets();

    /** Times this subscriber was skipped forward to a keyframe because it was too slow. */
    long skips();

    /** Leaves the stream and releases whatever is still queued. */
    @Override
    void close();
}
