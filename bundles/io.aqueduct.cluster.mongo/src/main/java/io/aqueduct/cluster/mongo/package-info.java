/**
 * The cluster registry on MongoDB (mongodb-driver-sync): which nodes are in the cluster and alive (heartbeats in
 * MongoDB server time, so node clocks may drift), which node is the origin of each live stream (one origin per
 * stream, taken over only from a dead node), and the settings the cluster shares.
 *
 * <p>Nothing is exported: the registry logic ({@code ClusterRegistry}) and the parser of what operators type for
 * the registry's address ({@code MongoTarget}) live in {@code io.aqueduct.cluster.mongo.internal}.
 *
 * @see <a href="https://www.mongodb.com/docs/manual/reference/connection-string/">MongoDB connection strings</a>
 */
package io.aqueduct.cluster.mongo;
