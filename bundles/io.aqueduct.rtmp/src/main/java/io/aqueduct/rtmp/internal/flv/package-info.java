/**
 * FLV tag bodies (as RTMP audio and video messages carry them) to and from the hub's media model.
 *
 * <p>Spec: Adobe Flash Video File Format Specification 10.1, annex E.4 (audio and video tags); Enhanced RTMP
 * (veovera/enhanced-rtmp, v1) for HEVC and AVC signalled by FourCC.
 */
package io.aqueduct.rtmp.internal.flv;
