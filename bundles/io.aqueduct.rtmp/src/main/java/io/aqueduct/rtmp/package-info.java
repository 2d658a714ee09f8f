/**
 * RTMP for Aqueduct, on Netty.
 *
 * <p>Nothing is exported yet: the codec layer lives in {@code io.aqueduct.rtmp.internal.*}
 * ({@code amf0}, {@code chunk}, {@code handshake}). The server (publish and play), the FLV tag mapping
 * into the hub's media model and the RTMP client come next.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/">Adobe RTMP Specification 1.0 (December 2012)</a>
 */
package io.aqueduct.rtmp;
