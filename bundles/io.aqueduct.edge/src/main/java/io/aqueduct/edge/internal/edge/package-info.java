/**
 * The edge's end of the relay: {@link io.aqueduct.edge.internal.edge.RelayClient} (one connection per origin,
 * shared by every stream pulled from it) and {@link io.aqueduct.edge.internal.edge.RelayedStream} (one pulled
 * stream republished into the edge's hub).
 */
package io.aqueduct.edge.internal.edge;
