/**
 * HLS for Aqueduct. Nothing is exported yet: the MPEG-TS muxer lives in {@code io.aqueduct.hls.internal.ts};
 * the segmenter, playlists, LL-HLS parts and HTTP serving are still to come.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216">RFC 8216 HTTP Live Streaming</a>
 */
package io.aqueduct.hls;
