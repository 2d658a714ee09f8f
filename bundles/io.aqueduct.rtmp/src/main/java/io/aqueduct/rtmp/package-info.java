/**
 * RTMP for Aqueduct, on Netty.
 *
 * <p>Nothing is exported: the codecs ({@code internal.amf0}, {@code internal.chunk},
 * {@code internal.handshake}), the FLV tag mapping to the hub's media model ({@code internal.flv}) and the server
 * ({@code internal.server}: configuration PID {@code io.aqueduct.rtmp}) live in {@code io.aqueduct.rtmp.internal.*}.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/">Adobe RTMP Specification 1.0 (December 2012)</a>
 */
@Header(name = "Aqueduct-Roles", value = "standalone, origin, edge")
package io.aqueduct.rtmp;

import org.osgi.annotation.bundle.Header;
