/**
 * The one home of what several bundles need to know about codecs and containers. They read untrusted bytes: every
 * length is checked and malformed input throws a checked exception that says what was wrong
 * ({@link io.aqueduct.api.codec.MalformedConfigException}, {@link io.aqueduct.api.codec.MalformedTsException}),
 * or {@link java.lang.IllegalArgumentException} for a malformed access unit.
 *
 * <ul>
 * <li>Configuration records: the H.264 AVCDecoderConfigurationRecord ({@code avcC}, ISO/IEC 14496-15 5.3.3) and
 *     H.265 HEVCDecoderConfigurationRecord ({@code hvcC}, 8.3.3), parsed and built; their sequence parameter sets
 *     (ITU-T H.264 7.3.2.1.1, H.265 7.3.2.2.1); the AAC AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1).</li>
 * <li>NAL units: the length-prefixed form the hub carries (walked without copying, for muxers and RTP
 *     packetizers, RFC 6184 / RFC 7798) and the Annex B byte stream encoders and transport streams use, both
 *     ways ({@link io.aqueduct.api.codec.AnnexB}, {@link io.aqueduct.api.codec.AnnexBWriter}).</li>
 * <li>ADTS (ISO/IEC 13818-7 6.2), written and read.</li>
 * <li>MPEG-2 transport streams (ISO/IEC 13818-1): a demuxer into PES packets and PSI sections, and the PAT and
 *     PMT.</li>
 * </ul>
 */
@Export
@Version("1.2.0")
package io.aqueduct.api.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
