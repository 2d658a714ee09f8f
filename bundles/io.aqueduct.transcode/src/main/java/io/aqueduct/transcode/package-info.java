/**
 * Adaptive-bitrate transcoding for Aqueduct. Nothing is exported.
 *
 * <p>Each ladder (factory configuration PID {@code io.aqueduct.transcode.ladder}, one per application) watches its
 * application's live streams. For each one, a {@code internal.StreamTranscoder} thread subscribes to the stream,
 * decodes its video once (NVDEC when a CUDA device is there), scales it to every rendition of the ladder that is not
 * taller than the source (one filter graph: {@code split} and {@code scale}, or {@code scale_cuda} on the GPU),
 * encodes each with libx264 (or openh264) in low-latency mode with keyframes forced at the same frames in every
 * rendition, and publishes each rendition back into the hub as {@code <stream>_<height>p} with the source's audio
 * passed through or re-encoded to AAC. The HLS bundle lists the renditions in the stream's {@code master.m3u8}.
 * {@code GET /rest/v2/transcode/streams} and the {@code transcode} health check tell how each stream is doing.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8216#section-4.3.4.2">RFC 8216 4.3.4.2 (EXT-X-STREAM-INF)</a>
 * @see <a href="https://ffmpeg.org/doxygen/8.0/group__lavc__encdec.html">FFmpeg's send/receive codec API</a>
 */
@Header(name = "Aqueduct-Roles", value = "standalone, origin")
package io.aqueduct.transcode;

import org.osgi.annotation.bundle.Header;
