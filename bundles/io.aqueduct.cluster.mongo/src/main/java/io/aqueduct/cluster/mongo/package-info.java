/**
 * The cluster registry on MongoDB (mongodb-driver-sync): which nodes are in the cluster and alive (heartbeats in
 * MongoDB server time, so node clocks may drift), which node is the origin of each live stream (one origin per
 * stream, taken over only from a dead node), and the settings the cluster shares.
 *
 * <p>Exported, for tools outside the node ({@code bin/aqueduct mode cluster}, {@code bin/aqueduct lb render}):
 * {@link io.aqueduct.cluster.mongo.MongoTarget}, what operators type for the registry's address, parsed and checked
 * exactly as the node reads {@code mongo.uri}; and {@link io.aqueduct.cluster.mongo.RegistryReader}, the nodes of a
 * registry as a reader that is no node sees them. Everything else is in {@code internal}: the bundle registers
 * {@link io.aqueduct.api.cluster.ClusterView}, {@link io.aqueduct.api.access.PublishAdmission}, a stream lifecycle
 * listener and a health check, all from {@code ClusterMembership} (configuration PID {@code io.aqueduct.cluster},
 * the registry's address from {@code mongo.uri} of {@code io.aqueduct.node}), which wires the parts of the registry
 * client (connection, heartbeat, outage and backoff, origin claims, reads, health); the registry logic is
 * {@code ClusterRegistry}. Runs in every cluster role.
 *
 * @see <a href="https://www.mongodb.com/docs/manual/reference/connection-string/">MongoDB connection strings</a>
 */
@Export
@Version("1.0.0")
@Header(name = "Aqueduct-Roles", value = "origin, edge, lb")
package io.aqueduct.cluster.mongo;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.bundle.Header;
import org.osgi.annotation.versioning.Version;
