package io.aqueduct.api.access;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A whiteboard service that decides whether a publish or a play may go ahead. Every registered policy is asked;
 * one refusal refuses. Called on a network thread: decide from memory, do not block.
 */
@ConsumerType
public interface StreamAccessPolicy {

    /** @return the refusal reason shown to the client, or null to allow */
    String checkPublish(AccessRequest request);

    /** @return the refusal reason shown to the client, or null to allow */
    String checkPlay(AccessRequest request);
}
