package io.aqueduct.api.stream;

/** Why a subscription ended. */
public enum EndReason {
    /** The publisher closed the stream. */
    PUBLISHER_LEFT,
    /** The subscriber fell behind more often than its options allow. */
    TOO_SLOW,
    /** The subscriber closed the subscription itself. */
    CLOSED,
    /** The hub shut down. */
    HUB_STOPPED
}
