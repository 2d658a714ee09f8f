/**
 * The cluster registry on MongoDB (mongodb-driver-sync): which nodes are in the cluster and alive (heartbeats in
 * MongoDB server time, so node clocks may drift), which node is the origin of each live stream (one origin per
 * stream, taken over only from a dead node), and the settings the cluster shares.
 *
 * <p>Nothing is exported; the bundle registers {@link io.aqueduct.api.cluster.ClusterView},
 * {@link io.aqueduct.api.access.PublishAdmission}, a stream lifecycle listener and a health check, all from
 * {@code ClusterMembership} (configuration PID {@code io.aqueduct.cluster}, the registry's address from
 * {@code mongo.uri} of {@code io.aqueduct.node}). The registry logic is {@code ClusterRegistry}; what operators type
 * for the registry's address is parsed by {@code MongoTarget}. Runs in every cluster role.
 *
 * @see <a href="https://www.mongodb.com/docs/manual/reference/connection-string/">MongoDB connection strings</a>
 */
@Header(name = "Aqueduct-Roles", value = "origin, edge, lb")
package io.aqueduct.cluster.mongo;

import org.osgi.annotation.bundle.Header;
