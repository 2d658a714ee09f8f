package io.aqueduct.api.stream;

/**
 * How much a subscriber may fall behind, and what happens then.
 *
 * @param maxQueueMicros most media time (newest minus oldest decoding timestamp) the queue may hold
 * @param maxQueueBytes most payload bytes the queue may hold
 * @param maxSkips how many times the subscriber may be skipped forward before it is disconnected with
 *     {@link EndReason#TOO_SLOW}; 0 disconnects at the first overflow, -1 never disconnects
 */
public record SubscriptionOptions(long maxQueueMicros, long maxQueueBytes, int maxSkips) {

    /** Five seconds or 32 MiB behind, skipped forward as often as needed. */
    public static final SubscriptionOptions DEFAULTS = new SubscriptionOptions(5_000_000L, 32L << 20, -1);

    public SubscriptionOptions {
        if (maxQueueMicros <= 0 || maxQueueBytes <= 0 || maxSkips < -1) {
            throw new IllegalArgumentException("invalid subscription options: " + maxQueueMicros + " us, "
                    + maxQueueBytes + " bytes, " + maxSkips + " skips");
        }
    }

    public SubscriptionOptions withMaxSkips(int skips) {
        return new SubscriptionOptions(maxQueueMicros, maxQueueBytes, skips);
    }

    public SubscriptionOptions withMaxQueueMicros(long micros) {
        return new SubscriptionOptions(micros, maxQueueBytes, maxSkips);
    }
}
