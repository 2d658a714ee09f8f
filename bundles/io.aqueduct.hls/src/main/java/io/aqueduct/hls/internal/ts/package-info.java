/**
 * An MPEG-2 transport stream muxer for HLS segments: H.264 and AAC from the hub's media model.
 *
 * <p>{@link io.aqueduct.hls.internal.ts.TsSegmentWriter} writes PAT and PMT, PES packets with 90 kHz PTS/DTS and
 * PCR; {@link io.aqueduct.api.codec.AnnexBWriter} turns length-prefixed NAL units into Annex B byte streams with an
 * access unit delimiter and in-band SPS/PPS; {@link io.aqueduct.api.codec.AdtsHeader} frames raw AAC. Its tests
 * read the segments back with the API's {@link io.aqueduct.api.codec.TsDemuxer}.
 *
 * <p>Spec: ISO/IEC 13818-1 (transport stream, PSI, PES), ITU-T H.264 Annex B (byte stream format),
 * ISO/IEC 13818-7 / 14496-3 (ADTS), and
 * <a href="https://www.rfc-editor.org/rfc/rfc8216#section-3.2">RFC 8216 section 3.2</a> (MPEG-2 TS segments).
 */
package io.aqueduct.hls.internal.ts;
