/**
 * The embedded registry: {@link io.aqueduct.cluster.embedded.internal.EmbeddedRegistry} runs
 * <a href="https://github.com/bwaldvogel/mongo-java-server">mongo-java-server</a> (the
 * <a href="https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/">MongoDB wire protocol</a>) with
 * its H2 MVStore backend; {@link io.aqueduct.cluster.embedded.internal.EmbeddedRegistryServer} is the DS
 * component around it. Nothing here is exported: nodes reach the registry over the wire, like a real MongoDB.
 */
package io.aqueduct.cluster.embedded.internal;
