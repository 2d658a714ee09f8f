package io.aqueduct.hls.internal.ts;

import io.aqueduct.api.codec.AacConfig;
import io.netty.buffer.ByteBuf;

/**
 * The 7-byte ADTS header (ISO/IEC 13818-7 6.2, no CRC) that frames each raw AAC frame in a transport stream,
 * built once per track from its AudioSpecificConfig.
 */
public final class AdtsHeader {
    /** Header bytes without CRC. */
    public static final int LENGTH = 7;
    /** aac_frame_length is 13 bits and counts the header. */
    public static final int MAX_FRAME_LENGTH = (1 << 13) - 1 - LENGTH;

    private final int profile;
    private final int rateIndex;
    private final int channelConfig;

    private AdtsHeader(int profile, int rateIndex, int channelConfig) {
        this.profile = profile;
        this.rateIndex = rateIndex;
        this.channelConfig = channelConfig;
    }

    /**
     * The header for a track's AudioSpecificConfig. HE-AAC (object types 5 and 29) is signalled as AAC-LC at the
     * core rate, which is how ADTS carries it: the decoder finds the SBR/PS data implicitly.
     *
     * @throws IllegalArgumentException when ADTS cannot express the configuration
     */
    public static AdtsHeader of(AacConfig config) {
        int objectType = config.objectType() == 5 || config.objectType() == 29 ? 2 : config.objectType();
        if (objectType < 1 || objectType > 4) {
            throw new IllegalArgumentException("AAC object type " + config.objectType() + " cannot be carried in ADTS");
        }
        int rateIndex = AacConfig.sampleRateIndex(config.sampleRate());
        if (rateIndex < 0) {
            throw new IllegalArgumentException("AAC sample rate " + config.sampleRate() + " Hz has no ADTS index");
        }
        // AacConfig reports channel configuration 7 as its 8 channels
        int channelConfig = config.channels() == 8 ? 7 : config.channels();
        return new AdtsHeader(objectType - 1, rateIndex, channelConfig);
    }

    public int profile() {
        return profile;
    }

    public int sampleRateIndex() {
        return rateIndex;
    }

    public int channelConfig() {
        return channelConfig;
    }

    /** Writes the header for a raw frame of {@code frameLength} bytes. */
    public void write(ByteBuf out, int frameLength) {
        if (frameLength < 0 || frameLength > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("AAC frame of " + frameLength + " bytes exceeds ADTS's "
                    + MAX_FRAME_LENGTH);
        }
        int length = frameLength + LENGTH;
        out.writeByte(0xff);
        out.writeByte(0xf1); // sync, MPEG-4, layer 0, no CRC
        out.writeByte((profile << 6) | (rateIndex << 2) | (channelConfig >> 2));
        out.writeByte(((channelConfig & 3) << 6) | (length >> 11));
        out.writeByte((length >> 3) & 0xff);
        out.writeByte(((length & 7) << 5) | 0x1f); // buffer fullness 0x7ff: variable bitrate
        out.writeByte(0xfc); // fullness, one raw data block
    }
}
