/**
 * The cluster as the registry sees it: the nodes with their heartbeats and load, and the origin of every live
 * stream. The registry bundle registers a {@link io.aqueduct.api.cluster.ClusterView} while the node is in a
 * cluster; in standalone mode there is none.
 */
@Export
@Version("1.1.0")
package io.aqueduct.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
