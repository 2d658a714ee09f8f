/**
 * HLS and Low-Latency HLS for Aqueduct, served from memory, and MP4 recording.
 *
 * <p>Nothing is exported. {@code internal.segment} decides cuts and parts from stream timestamps,
 * {@code internal.ts} and {@code internal.fmp4} mux MPEG-TS and CMAF, {@code internal.playlist} writes playlists,
 * {@code internal.stream} keeps each stream's window in memory, {@code internal.http} serves it (configuration PID
 * {@code io.aqueduct.hls}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216">RFC 8216 HTTP Live Streaming</a>
 * @see <a href="https://datatracker.ietf.org/doc/draft-pantos-hls-rfc8216bis/">RFC 8216bis (LL-HLS)</a>
 */
@Header(name = "Aqueduct-Roles", value = "standalone, origin, edge")
package io.aqueduct.hls;

import org.osgi.annotation.bundle.Header;
