package io.aqueduct.api.access;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A whiteboard service asked before a publish starts, after every {@link StreamAccessPolicy} allowed it, for
 * decisions that need a round trip (the cluster registry: is this stream live on another origin?). The ingest
 * protocol holds the publish until the stage completes and does not block a thread meanwhile. Every registered
 * admission is asked; one refusal refuses.
 *
 * <p>An admission that says yes takes on the stream (for the registry: this node becomes its origin); it learns
 * that the stream ended, or never started, from the hub's {@link io.aqueduct.api.stream.StreamLifecycleListener}
 * events and its own bookkeeping, not from the protocol.
 */
@ConsumerType
public interface PublishAdmission {

    /**
     * @return a stage completed with null to admit, or with the refusal reason shown to the publisher; it must
     *         complete in bounded time (seconds), also when what it asks cannot be reached
     */
    CompletionStage<String> admitPublish(AccessRequest request);
}
