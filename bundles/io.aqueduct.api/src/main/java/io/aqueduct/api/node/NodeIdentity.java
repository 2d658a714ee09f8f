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
    /**
     * Service property counting accepted configuration changes: it changes with every change, also of settings that
     * are not service properties (the registry's address), so a reference's {@code updated} method hears of them.
     */
    String REVISION_PROPERTY = "aqueduct.config.revision";

    /** Stable id of this node, kept across restarts. */
    String nodeId();

    NodeMode mode();

    NodeRole role();

    /** The private address other nodes use to reach this one. */
    String address();

    /**
     * Where the cluster registry is, as configured ({@code mongo.uri}: an address, a {@code mongodb://} or
     * {@code mongodb+srv://} URI, or {@code embedded}); empty when not set. It may hold a password: never log it.
     */
    String registry();

    /** The node group within its role (for example a region); empty when not set. */
    String group();

    /** When this node started. */
    Instant started();
}
