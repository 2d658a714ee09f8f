/**
 * The RTMP client that plays (pulls) a live stream: {@link io.aqueduct.rtmp.internal.client.RtmpPlayClient}.
 *
 * <p>It speaks the command flow of a player (RTMP 1.0, 7.2): the plain handshake, {@code connect} with the
 * application and {@code tcUrl}, {@code createStream}, {@code play}, and hands the stream's audio, video and
 * data messages to a {@link io.aqueduct.rtmp.internal.client.RtmpPlayClient.Listener}. The edge relay and the
 * load client in {@code bench/rtmp-load} use it.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#72command-messages-20-17">RTMP 1.0, 7.2 Command Messages</a>
 */
package io.aqueduct.rtmp.internal.client;
