package io.aqueduct.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/** A whiteboard service that reports on one part of the node. Reports, never throws. */
@ConsumerType
public interface HealthIndicator {

    /** Short stable name, for example {@code node-config} or {@code registry}. */
    String name();

    /** The current state; called on every health request, so keep it cheap. */
    HealthCheck check();
}
