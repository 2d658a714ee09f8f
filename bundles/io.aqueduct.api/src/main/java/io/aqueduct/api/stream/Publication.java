package io.aqueduct.api.stream;

import io.aqueduct.api.media.MediaPacket;
import org.osgi.annotation.versioning.ProviderType;

/** The publishing side of one live stream. Used from one thread at a time (the publisher's). */
@ProviderType
public interface Publication extends AutoCloseable {

    StreamKey key();

    /**
     * Hands a packet to every subscriber. Takes over the caller's reference to the packet: the caller must not
     * release it, even when this throws. Never blocks on subscribers.
     *
     * @throws IllegalStateException when the publication was closed
     */
    void send(MediaPacket packet);

    /** Ends the stream: every subscriber gets what it has queued and then {@link EndReason#PUBLISHER_LEFT}. */
    @Override
    void close();
}
