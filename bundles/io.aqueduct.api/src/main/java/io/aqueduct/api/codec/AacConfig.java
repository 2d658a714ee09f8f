package io.aqueduct.api.codec;

/**
 * An AAC AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1), the configuration FLV AAC sequence headers and MP4
 * {@code esds} boxes carry.
 *
 * @param objectType audio object type (2 = AAC-LC, 5 = SBR/HE-AAC, 29 = PS)
 * @param sampleRate the core sample rate in Hz
 * @param channels channel count from the channel configuration (0: defined in the stream)
 */
public record AacConfig(int objectType, int sampleRate, int channels) {
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
        8000, 7350};

    public static AacConfig parse(byte[] config) throws MalformedConfigException {
        if (config.length < 2) {
            throw new MalformedConfigException("AudioSpecificConfig of " + config.length + " bytes is too short");
        }
        BitReader r = new BitReader(config, 0, config.length);
        int objectType = r.bits(5);
        if (objectType == 31) {
            objectType = 32 + r.bits(6);
        }
        if (objectType == 0) {
            throw new MalformedConfigException("AudioSpecificConfig has audio object type 0");
        }
        int rateIndex = r.bits(4);
        int rate;
        if (rateIndex == 15) {
            rate = r.bits(24);
        } else if (rateIndex < RATES.length) {
            rate = RATES[rateIndex];
        } else {
            throw new MalformedConfigException("AudioSpecificConfig sample rate index " + rateIndex + " is reserved");
        }
        int channelConfig = r.bits(4);
        int channels = channelConfig == 7 ? 8 : channelConfig;
        if (channelConfig > 7 || rate <= 0) {
            throw new MalformedConfigException("AudioSpecificConfig channel configuration " + channelConfig
                    + " or rate " + rate + " out of range");
        }
        return new AacConfig(objectType, rate, channels);
    }

    /** The sampling frequency index of a rate (ISO/IEC 14496-3 1.6.3.3), or -1 when the rate has none. */
    public static int sampleRateIndex(int rate) {
        for (int i = 0; i < RATES.length; i++) {
            if (RATES[i] == rate) {
                return i;
            }
        }
        return -1;
    }

    /** The {@code mp4a.40.N} string HLS and MSE use in CODECS. */
    public String codecString() {
        return "mp4a.40." + objectType;
    }
}
