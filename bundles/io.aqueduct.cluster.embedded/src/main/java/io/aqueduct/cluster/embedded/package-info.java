/**
 * The embedded cluster registry: a server speaking the MongoDB wire protocol, its data in one H2 file, for a cluster
 * on one machine without MongoDB. Nodes reach it over the wire, like a real MongoDB.
 *
 * <p>Exported: {@link io.aqueduct.cluster.embedded.RegistryCommand}, the entry point of {@code bin/aqueduct
 * registry} (the registry as a process of its own). Inside a node, the {@code internal} component runs it while
 * {@code config/io.aqueduct.registry.embedded.cfg} exists.
 */
@Export
@Version("1.0.0")
package io.aqueduct.cluster.embedded;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
