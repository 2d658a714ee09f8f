/**
 * The origin → edge relay: an edge pulls each live stream it needs from the stream's origin over one TCP
 * connection per origin, and republishes it into its own hub, where every viewer of every protocol shares it.
 *
 * <p>Nothing is exported. {@code internal.wire} is the relay protocol (its package documentation is the
 * specification), {@code internal.token} the HMAC token an edge authenticates with, {@code internal.origin} the
 * origin's relay server and {@code internal.edge} the edge's relay client and {@code RelayedStream}, which
 * republishes one relayed stream into the edge's hub. The bundle runs on origins (the server) and on edges (the
 * client).
 */
@Header(name = "Aqueduct-Roles", value = "origin, edge")
package io.aqueduct.edge;

import org.osgi.annotation.bundle.Header;
