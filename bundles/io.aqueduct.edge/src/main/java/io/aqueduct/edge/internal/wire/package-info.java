/**
 * The relay protocol, version 2: how an edge pulls live streams from an origin over one TCP connection.
 *
 * <h2>Connection</h2>
 * The edge connects to the origin's relay port (default 5000, bound to the private address) and sends HELLO. The
 * origin answers WELCOME, or REFUSED and closes. Then the edge SUBSCRIBEs to streams, each answered by STREAM
 * (followed by the stream's TRACKs and PACKETs, until END) or NOT_FOUND. Any number of streams share the
 * connection. The origin sends PING every second ({@link io.aqueduct.edge.internal.wire.RelayProtocol#PING_INTERVAL});
 * the edge answers each with PONG.
 *
 * <ul>
 * <li>An origin closes a connection without a valid HELLO after 5 s
 *     ({@link io.aqueduct.edge.internal.wire.RelayProtocol#HELLO_TIMEOUT}), and one that sent nothing for 15 s
 *     ({@link io.aqueduct.edge.internal.wire.RelayProtocol#ORIGIN_READ_TIMEOUT}).</li>
 * <li>An edge treats an origin that sent nothing, not even a PING, for 2.5 s
 *     ({@link io.aqueduct.edge.internal.wire.RelayProtocol#EDGE_READ_TIMEOUT}, checked every 100 ms) as dead: a
 *     crashed, frozen or cut-off origin is noticed within about 2.6 s, a closed one at once.</li>
 * <li>A malformed frame (any violation below) closes the connection; an origin first sends REFUSED naming what was
 *     wrong. Nothing outside that connection is affected.</li>
 * </ul>
 *
 * <h2>Frames</h2>
 * Big-endian. Every frame is {@code length:u32 type:u8 body}, where {@code length} counts the type byte and the
 * body (1 .. 16 MiB from an origin, 1 .. 4 KiB from an edge). A {@code str} is {@code length:u16} and that many
 * bytes of UTF-8 (at most 512, valid UTF-8). Request and stream ids are {@code u32} in 1 .. 2^31-1, track ids in
 * 0 .. 2^31-1. A frame must end exactly after its last field (PACKET: its payload is the rest of the frame); a type
 * not listed here, or from the wrong side, is an error.
 *
 * <table>
 * <caption>Edge → origin</caption>
 * <tr><th>type</th><th>name</th><th>body</th></tr>
 * <tr><td>0x01</td><td>HELLO</td><td>{@code version:u16 edgeId:str token:str} — first frame; version is 2 (or 1, see Versions); the
 *     token is a {@link io.aqueduct.edge.internal.token.RelayToken} issued for {@code edgeId}</td></tr>
 * <tr><td>0x02</td><td>SUBSCRIBE</td><td>{@code requestId:u32 key:str} — a stream key {@code app/name}; request
 *     ids are chosen by the edge, each used once</td></tr>
 * <tr><td>0x03</td><td>UNSUBSCRIBE</td><td>{@code streamId:u32} — answered by END "unsubscribed" (packets
 *     already sent may arrive before it); an unknown or ended stream id is ignored</td></tr>
 * <tr><td>0x04</td><td>PONG</td><td>(empty) — the answer to PING</td></tr>
 * </table>
 *
 * <table>
 * <caption>Origin → edge</caption>
 * <tr><th>type</th><th>name</th><th>body</th></tr>
 * <tr><td>0x11</td><td>WELCOME</td><td>{@code version:u16 originId:str} — the HELLO is accepted; the version is the HELLO's</td></tr>
 * <tr><td>0x12</td><td>REFUSED</td><td>{@code reason:str} — for example "bad signature", "expired",
 *     "protocol version 3 is not supported; this origin speaks 1 to 2", "malformed frame: ..."; the origin
 *     closes the connection after it</td></tr>
 * <tr><td>0x13</td><td>STREAM</td><td>{@code requestId:u32 streamId:u32 key:str trackCount:u8 [renditionOf:str]} — the subscription
 *     is live as {@code streamId} (chosen by the origin, never reused on the connection); exactly
 *     {@code trackCount} (at most 64) TRACK frames of the stream follow before its first PACKET: its tracks as the
 *     origin knows them now. Then the packets start at the origin's last video keyframe (its GOP cache).
 *     {@code renditionOf} (version 2, only when there is one): the key of the stream its publisher declared this one
 *     a rendition of ({@link io.aqueduct.api.stream.PublishOptions}); the edge republishes it as one.</td></tr>
 * <tr><td>0x14</td><td>TRACK</td><td>{@code streamId:u32 trackId:u32 codec:u8 mediaType:u8 width:i32 height:i32
 *     sampleRate:i32 channels:i32 bitrate:i64 configLength:u32 config} — a track's full description; sent again
 *     before the first PACKET that uses a changed configuration (compared with what this edge was last sent for the
 *     track). Codecs: 1 H.264, 2 H.265, 3 AAC, 4 Opus, 5 MP3, 6 AMF0 data; media types: 1 video, 2 audio, 3 data,
 *     and they must agree with the codec. Width, height, sample rate and channels are 0 .. 2^31-1 (0: unknown),
 *     the bitrate 0 .. 2^63-1 bits per second, the config (the decoder configuration record, as in
 *     {@link io.aqueduct.api.media.Track#config()}) at most 1 MiB.</td></tr>
 * <tr><td>0x15</td><td>PACKET</td><td>{@code streamId:u32 trackId:u32 dts:i64 pts:i64 flags:u8 payload} —
 *     one access unit of a track whose TRACK was sent; timestamps in microseconds; flag 0x01 keyframe, the
 *     other bits 0; the payload as the hub carries it (see {@link io.aqueduct.api.media})</td></tr>
 * <tr><td>0x16</td><td>END</td><td>{@code streamId:u32 reason:str} — the last frame of the stream: "publisher
 *     left", "unsubscribed", "origin hub stopped"</td></tr>
 * <tr><td>0x17</td><td>NOT_FOUND</td><td>{@code requestId:u32 key:str reason:str} — the subscription failed (the
 *     stream is not live on this origin)</td></tr>
 * <tr><td>0x18</td><td>PING</td><td>(empty)</td></tr>
 * </table>
 *
 * <p>A slow edge is never disconnected for it: when its subscription falls five seconds behind, the origin skips it
 * forward to the next keyframe (the edge sees a gap in the timestamps).
 *
 * <h2>Versions</h2>
 * The version in HELLO and WELCOME is the version of this whole document. A change that an older peer would
 * misread takes a new version; an origin refuses a HELLO of a version it does not speak, naming its own.
 * Version 2 adds {@code renditionOf} to STREAM, which a version 1 edge would refuse (a frame ends after its last
 * field): an origin speaks 1 and 2 and sends the field only on a connection whose HELLO said 2. An edge says 2;
 * refused by an origin of version 1 ("protocol version 2 is not supported; this origin speaks 1") it connects
 * again saying 1, and then its relayed streams carry no renditionOf. So edges and origins upgrade in either order.
 */
package io.aqueduct.edge.internal.wire;
