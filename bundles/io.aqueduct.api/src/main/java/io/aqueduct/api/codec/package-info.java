/**
 * Parsers for the codec configuration records every protocol bundle meets: the H.264
 * AVCDecoderConfigurationRecord (ISO/IEC 14496-15, 5.3.3) and its sequence parameter set (ITU-T H.264,
 * 7.3.2.1.1), and the AAC AudioSpecificConfig (ISO/IEC 14496-3, 1.6.2.1). They read untrusted bytes: every
 * length is checked and a malformed record throws {@link io.aqueduct.api.codec.MalformedConfigException}.
 */
@Export
@Version("1.1.0")
package io.aqueduct.api.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
