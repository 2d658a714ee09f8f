package io.aqueduct.api.stream;

import org.osgi.annotation.versioning.ConsumerType;

/** Tells a subscriber that its subscription has something to take. */
@ConsumerType
@FunctionalInterface
public interface SubscriptionListener {

    /**
     * Packets, or the end, are ready to take. Called when the queue goes from empty to not empty and when the
     * subscription ends; drain until {@link Subscription#poll()} returns null to be called again. Runs on the
     * publisher's thread: hand the work to the subscriber's own thread (an event loop) and return at once.
     */
    void onAvailable(Subscription subscription);
}
