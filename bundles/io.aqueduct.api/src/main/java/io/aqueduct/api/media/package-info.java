/**
 * The media model the stream hub carries: compressed access units ({@link io.aqueduct.api.media.MediaPacket})
 * of a {@link io.aqueduct.api.media.Track}, whose codec configuration travels with every packet.
 *
 * <p>Timestamps are in microseconds. Video payloads are length-prefixed NAL units (4-byte lengths, as in
 * FLV and MP4, ISO/IEC 14496-15); AAC payloads are raw frames without ADTS headers; the decoder
 * configuration records (AVCDecoderConfigurationRecord, AudioSpecificConfig, ...) are in
 * {@link io.aqueduct.api.media.Track#config()}.
 */
@Export
@Version("1.1.0")
package io.aqueduct.api.media;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
