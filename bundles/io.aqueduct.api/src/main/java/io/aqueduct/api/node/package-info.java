/**
 * Who this node is and what it does: its identity, mode (standalone or cluster) and role, published by the
 * role manager from configuration PID {@code io.aqueduct.node}.
 *
 * <p>A capability bundle names the roles it serves in its manifest, for example
 * {@code Aqueduct-Roles: standalone, origin, edge}; the role manager starts exactly the bundles whose
 * header lists the node's role and stops the others. Bundles without the header (API, core, REST, system
 * bundles) are left alone.
 */
@Export
@Version("1.1.0")
package io.aqueduct.api.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
