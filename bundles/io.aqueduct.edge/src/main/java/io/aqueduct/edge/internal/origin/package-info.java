/**
 * The origin's end of the relay: {@link io.aqueduct.edge.internal.origin.RelayServer} lets edges in with a relay
 * token and sends each the streams it subscribes to, out of the hub.
 */
package io.aqueduct.edge.internal.origin;
