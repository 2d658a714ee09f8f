/**
 * A fragmented MP4 muxer for HLS (init segment + media segments) and MP4 recordings: H.264, H.265 and AAC from
 * the hub's media model.
 *
 * <p>{@link io.aqueduct.hls.internal.fmp4.Fmp4Muxer} writes the init segment ({@code ftyp}, {@code moov} with
 * {@code avc1}/{@code hvc1}/{@code mp4a} sample entries and {@code mvex}) and movie fragments ({@code moof} with
 * {@code tfdt} and a version 1 {@code trun} per track, then {@code mdat}), and gives the CODECS string;
 * {@link io.aqueduct.hls.internal.fmp4.Mp4FileWriter} appends fragments to a file that stays playable when the
 * process dies, and finishes it with durations and an {@code mfra} on close.
 *
 * <p>Spec: ISO/IEC 14496-12 (ISO base media file format, movie fragments), ISO/IEC 14496-15 ({@code avcC},
 * {@code hvcC}, the CODECS string for HEVC), ISO/IEC 14496-14 and 14496-1 ({@code esds} and its descriptors),
 * ISO/IEC 14496-3 (AudioSpecificConfig), <a href="https://www.rfc-editor.org/rfc/rfc6381">RFC 6381</a> (CODECS),
 * and <a href="https://www.rfc-editor.org/rfc/rfc8216#section-3.3">RFC 8216 section 3.3</a> (fragmented MPEG-4
 * segments).
 */
package io.aqueduct.hls.internal.fmp4;
