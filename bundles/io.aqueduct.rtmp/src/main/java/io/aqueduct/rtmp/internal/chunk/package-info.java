/**
 * The RTMP chunk stream: messages cut into chunks and interleaved on one TCP connection, and the protocol
 * control messages that steer it.
 *
 * <p>{@link io.aqueduct.rtmp.internal.chunk.RtmpChunkDecoder} turns bytes into
 * {@link io.aqueduct.rtmp.internal.chunk.RtmpMessage}s, {@link io.aqueduct.rtmp.internal.chunk.RtmpChunkEncoder}
 * does the reverse; both keep per-connection state (chunk size, the previous header of each chunk stream),
 * so neither is {@code @Sharable}. {@link io.aqueduct.rtmp.internal.chunk.ProtocolControl} and
 * {@link io.aqueduct.rtmp.internal.chunk.UserControlEvent} build and parse the control messages;
 * {@link io.aqueduct.rtmp.internal.chunk.RtmpAcknowledgementHandler} sends Acknowledgements.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#53chunking">RTMP 1.0, 5.3 Chunking</a>
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#54protocol-control-messages">RTMP 1.0, 5.4 Protocol Control
 *      Messages</a> and 6.2 User Control Messages
 */
package io.aqueduct.rtmp.internal.chunk;
