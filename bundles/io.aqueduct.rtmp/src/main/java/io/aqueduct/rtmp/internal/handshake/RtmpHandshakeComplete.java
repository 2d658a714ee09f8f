package io.aqueduct.rtmp.internal.handshake;

/**
 * User event fired when a handshake handler has finished and removed itself; the chunk stream starts now.
 *
 * @param digest whether the peer used the digest ("FP9") handshake rather than the plain one
 */
public record RtmpHandshakeComplete(boolean digest) {
}
