package io.aqueduct.hls.internal.playlist;

/**
 * Where another rendition of the same content stands, for EXT-X-RENDITION-REPORT (RFC 8216bis 4.4.5.4).
 *
 * @param uri that rendition's LL-HLS playlist, relative to this one
 */
public record RenditionReport(String uri, long lastSequenceNumber, int lastPart) {
}
