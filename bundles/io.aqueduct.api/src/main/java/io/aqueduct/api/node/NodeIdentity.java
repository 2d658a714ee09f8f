package io.aqueduct.api.node;

import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * This node as configured now. Registered as a service with properties {@value #MODE_PROPERTY} and
 * {@value #ROLE_PROPERTY}, updated when the configuration changes, so components can target a role with a
 * filter such as {@code (aqueduct.role=edge)}.
 */
@ProviderType
public interface NodeIdentity {

    String MODE_PROPERTY = "aqueduct.mode";
    String ROLE_PROPERTY = "aqueduct.role";

    /** Stable id of this node, kept across restarts. */
    String nodeId();

    NodeMode mode();

    NodeRole role();

    /** The private address other nodes use to reach this one. */
    String address();

    /** The node group within its role (for example a region); empty when not set. */
    String group();

    /** When this node started. */
    Instant started();
}
