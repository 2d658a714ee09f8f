package io.aqueduct.api.codec;

import io.netty.buffer.ByteBuf;

/**
 * The ADTS header (ISO/IEC 13818-7 6.2, ISO/IEC 14496-3 1.A.2) that frames each raw AAC frame in a transport
 * stream: written (7 bytes, no CRC) for a track's AudioSpecificConfig, and read from a stream, where each
 * header also says the length of its frame.
 *
 * @param profile the ADTS profile, the audio object type minus one (0 to 3)
 * @param sampleRateIndex sampling_frequency_index (0 to 12)
 * @param channelConfig channel_configuration (0 to 7)
 */
public record AdtsHeader(int profile, int sampleRateIndex, int channelConfig) {
    /** Header bytes without CRC. */
    public static final int LENGTH = 7;
    /** aac_frame_length is 13 bits and counts the header. */
    public static final int MAX_FRAME_LENGTH = (1 << 13) - 1 - LENGTH;

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

    /** The AudioSpecificConfig of this header's frames (what {@link io.aqueduct.api.media.Track#config()} holds). */
    public byte[] audioSpecificConfig() {
        int objectType = profile + 1;
        return new byte[] {(byte) (objectType << 3 | sampleRateIndex >> 1),
            (byte) ((sampleRateIndex & 1) << 7 | channelConfig << 3)};
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
        out.writeByte((profile << 6) | (sampleRateIndex << 2) | (channelConfig >> 2));
        out.writeByte(((channelConfig & 3) << 6) | (length >> 11));
        out.writeByte((length >> 3) & 0xff);
        out.writeByte(((length & 7) << 5) | 0x1f); // buffer fullness 0x7ff: variable bitrate
        out.writeByte(0xfc); // fullness, one raw data block
    }

    /**
     * One ADTS frame read from a stream: its header, and where its raw data is.
     *
     * @param headerLength 7, or 9 with a CRC
     * @param dataLength bytes of raw AAC after the header
     */
    public record Frame(AdtsHeader header, int headerLength, int dataLength) {
        /** The whole frame's length, header included. */
        public int length() {
            return headerLength + dataLength;
        }
    }

    /**
     * Reads the ADTS header at {@code index} of {@code in} (the indexes are not moved) and checks that its frame
     * lies within the buffer.
     *
     * @throws MalformedConfigException when there is no valid header there or its frame overruns the buffer
     */
    public static Frame read(ByteBuf in, int index) throws MalformedConfigException {
        int available = in.writerIndex() - index;
        if (index < in.readerIndex() || available < LENGTH) {
            throw new MalformedConfigException("ADTS header needs " + LENGTH + " bytes, " + Math.max(available, 0)
                    + " left");
        }
        long bits = in.getUnsignedInt(index) << 24 | in.getUnsignedMedium(index + 4); // the 56 header bits
        if ((bits >>> 44) != 0xfff) {
            throw new MalformedConfigException(String.format("no ADTS sync word at offset %d (0x%03x)",
                    index - in.readerIndex(), bits >>> 44));
        }
        if (((bits >>> 41) & 3) != 0) {
            throw new MalformedConfigException("ADTS layer " + ((bits >>> 41) & 3) + ", expected 0");
        }
        boolean crc = ((bits >>> 40) & 1) == 0;
        int profile = (int) ((bits >>> 38) & 3);
        int rateIndex = (int) ((bits >>> 34) & 0xf);
        int channels = (int) ((bits >>> 30) & 7);
        int frameLength = (int) ((bits >>> 13) & 0x1fff);
        int blocks = (int) (bits & 3) + 1;
        if (rateIndex > 12) {
            throw new MalformedConfigException("ADTS sample rate index " + rateIndex + " is reserved");
        }
        int headerLength = crc ? LENGTH + 2 : LENGTH;
        if (blocks > 1 && crc) {
            throw new MalformedConfigException("ADTS frames of " + blocks + " raw data blocks with CRCs are not "
                    + "supported");
        }
        if (frameLength < headerLength || frameLength > available) {
            throw new MalformedConfigException("ADTS frame length " + frameLength + " at offset "
                    + (index - in.readerIndex()) + " is outside " + headerLength + ".." + available);
        }
        return new Frame(new AdtsHeader(profile, rateIndex, channels), headerLength, frameLength - headerLength);
    }
}
