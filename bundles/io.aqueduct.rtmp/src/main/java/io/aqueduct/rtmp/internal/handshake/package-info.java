/**
 * The RTMP handshake: C0/C1/C2 and S0/S1/S2, 1536-byte blocks after a version byte.
 *
 * <p>{@link io.aqueduct.rtmp.internal.handshake.RtmpServerHandshakeHandler} answers both the plain handshake of
 * the specification (ffmpeg, GStreamer) and the digest handshake (Flash Player 9 and later, librtmp, OBS): the
 * client hides an HMAC-SHA256 digest in C1 at an offset derived from C1 itself (two schemes), and expects a
 * digest of the same kind in S1 and an S2 signed with a key derived from its own digest. The keys and offsets
 * are not in the Adobe specification; they are the ones librtmp, nginx-rtmp and Red5 publish.
 * {@link io.aqueduct.rtmp.internal.handshake.RtmpClientHandshakeHandler} does the plain handshake as a client.
 * Both remove themselves when done, fire {@link io.aqueduct.rtmp.internal.handshake.RtmpHandshakeComplete} and
 * hand any bytes that followed to the chunk decoder behind them. Encrypted RTMP (RTMPE) is refused.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#52handshake">RTMP 1.0, 5.2 Handshake</a>
 */
package io.aqueduct.rtmp.internal.handshake;
