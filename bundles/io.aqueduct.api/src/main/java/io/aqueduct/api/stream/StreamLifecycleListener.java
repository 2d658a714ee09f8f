package io.aqueduct.api.stream;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A whiteboard service told when streams start and end. Called on the publisher's thread: return quickly.
 */
@ConsumerType
public interface StreamLifecycleListener {

    default void streamStarted(StreamKey key) {
    }

    default void streamEnded(StreamKey key) {
    }
}
