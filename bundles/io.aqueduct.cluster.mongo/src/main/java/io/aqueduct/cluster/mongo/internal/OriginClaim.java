package io.aqueduct.cluster.mongo.internal;

/**
 * What came of {@link ClusterRegistry#claimOrigin}: whether this node is now the stream's origin, and the origin
 * the stream has after the call (this node, or the live node that holds it).
 */
public record OriginClaim(Outcome outcome, StreamOrigin origin) {

    public enum Outcome {
        /** The stream was not in the registry; this node registered it. */
        CLAIMED,
        /** This node already was the origin (a repeated claim). */
        ALREADY_ORIGIN,
        /** The stream's origin was dead or gone; this node replaced it. */
        TAKEN_OVER,
        /** Another node that is alive is the origin; nothing changed. */
        REFUSED
    }

    /** Whether this node is the origin now. */
    public boolean granted() {
        return outcome != Outcome.REFUSED;
    }

    /** A sentence for logs and for the publisher's error: who holds the stream. */
    public String describe() {
        return switch (outcome) {
            case CLAIMED -> "stream " + origin.key() + ": origin is now this node (" + origin.nodeId() + ")";
            case ALREADY_ORIGIN -> "stream " + origin.key() + ": this node (" + origin.nodeId() + ") is its origin";
            case TAKEN_OVER -> "stream " + origin.key() + ": taken over by this node (" + origin.nodeId()
                    + ") from a dead origin";
            case REFUSED -> "stream " + origin.key() + " is live on origin " + origin.nodeId() + " ("
                    + origin.address() + "); a second origin is refused while that one is alive";
        };
    }
}
