package io.aqueduct.hls.internal.fmp4;

import io.aqueduct.api.codec.MalformedConfigException;
import io.aqueduct.api.codec.Rbsp;
import java.util.ArrayList;
import java.util.List;

/**
 * What the MP4 muxer needs from an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1, the {@code hvcC} box
 * body and what {@link io.aqueduct.api.media.Track#config()} holds for H.265): the profile, tier and level fields for
 * the CODECS string, and the picture size from the first SPS.
 *
 * @param profileSpace general_profile_space (0 to 3)
 * @param highTier general_tier_flag
 * @param profileIdc general_profile_idc
 * @param compatibilityFlags general_profile_compatibility_flags, 32 bits
 * @param constraintFlags general_constraint_indicator_flags, 48 bits
 * @param levelIdc general_level_idc (30 times the level number)
 * @param width picture width after the conformance window, 0 when the record has no SPS
 * @param height picture height after the conformance window, 0 when the record has no SPS
 */
record HevcConfig(int profileSpace, boolean highTier, int profileIdc, long compatibilityFlags, long constraintFlags,
        int levelIdc, int width, int height) {
    /** Bytes before the NAL unit arrays. */
    private static final int HEADER = 23;
    private static final int NAL_TYPE_SPS = 33;

    static HevcConfig parse(byte[] record) throws MalformedConfigException {
        if (record.length < HEADER) {
            throw new MalformedConfigException("HEVC configuration record of " + record.length + " bytes is too short");
        }
        if (record[0] != 1) {
            throw new MalformedConfigException("HEVC configuration record version " + record[0] + ", expected 1");
        }
        int b = record[1] & 0xff;
        long compatibility = ((record[2] & 0xffL) << 24) | ((record[3] & 0xff) << 16) | ((record[4] & 0xff) << 8)
                | (record[5] & 0xff);
        long constraints = 0;
        for (int i = 6; i < 12; i++) {
            constraints = (constraints << 8) | (record[i] & 0xff);
        }
        int level = record[12] & 0xff;
        if ((record[21] & 0x03) == 2) {
            throw new MalformedConfigException("NAL length size 3 is not allowed");
        }
        byte[] sps = firstSps(record);
        int[] size = sps == null ? new int[] {0, 0} : spsPictureSize(sps);
        return new HevcConfig(b >> 6, (b & 0x20) != 0, b & 0x1f, compatibility, constraints, level, size[0], size[1]);
    }

    /**
     * The {@code hvc1.…} string HLS and MSE use in CODECS (ISO/IEC 14496-15 annex E.3): profile space (none, A, B
     * or C) and profile, the compatibility flags in reverse bit order in hex, tier (L or H) and level, then the
     * constraint bytes in hex without the trailing zero ones.
     */
    String codecString() {
        StringBuilder s = new StringBuilder("hvc1.");
        if (profileSpace > 0) {
            s.append((char) ('A' + profileSpace - 1));
        }
        s.append(profileIdc).append('.');
        s.append(Long.toHexString(Integer.toUnsignedLong(Integer.reverse((int) compatibilityFlags))));
        s.append('.').append(highTier ? 'H' : 'L').append(levelIdc);
        int last = 6;
        while (last > 0 && constraintByte(last - 1) == 0) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            s.append('.').append(Integer.toHexString(constraintByte(i)).toUpperCase());
        }
        return s.toString();
    }

    /** Byte {@code i} (0 to 5, first to last) of the constraint flags. */
    private int constraintByte(int i) {
        return (int) (constraintFlags >>> (8 * (5 - i))) & 0xff;
    }

    /** The first SPS NAL unit in the record's arrays, or null when there is none. */
    private static byte[] firstSps(byte[] record) throws MalformedConfigException {
        int arrays = record[22] & 0xff;
        int p = HEADER;
        for (int a = 0; a < arrays; a++) {
            if (p + 3 > record.length) {
                throw new MalformedConfigException("HEVC configuration record ends inside array " + a);
            }
            int type = record[p] & 0x3f;
            int count = ((record[p + 1] & 0xff) << 8) | (record[p + 2] & 0xff);
            p += 3;
            for (int i = 0; i < count; i++) {
                if (p + 2 > record.length) {
                    throw new MalformedConfigException("HEVC configuration record ends inside array " + a);
                }
                int length = ((record[p] & 0xff) << 8) | (record[p + 1] & 0xff);
                p += 2;
                if (length == 0 || p + length > record.length) {
                    throw new MalformedConfigException("NAL unit of " + length + " bytes in array " + a
                            + " overruns the HEVC configuration record");
                }
                if (type == NAL_TYPE_SPS) {
                    byte[] nal = new byte[length];
                    System.arraycopy(record, p, nal, 0, length);
                    return nal;
                }
                p += length;
            }
        }
        return null;
    }

    /** Width and height from an SPS NAL unit (ITU-T H.265 7.3.2.2.1), as far as the conformance window. */
    static int[] spsPictureSize(byte[] nal) throws MalformedConfigException {
        if (nal.length < 3 || ((nal[0] >> 1) & 0x3f) != NAL_TYPE_SPS) {
            throw new MalformedConfigException("not an H.265 sequence parameter set");
        }
        Bits r = new Bits(Rbsp.unescape(nal, 2, nal.length - 2));
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.bits(3);
        r.skip(1); // sps_temporal_id_nesting_flag
        skipProfileTierLevel(r, maxSubLayersMinus1);
        r.ue(); // sps_seq_parameter_set_id
        int chromaFormat = r.ue();
        if (chromaFormat > 3) {
            throw new MalformedConfigException("chroma_format_idc " + chromaFormat + " out of range");
        }
        if (chromaFormat == 3 && r.bits(1) == 1) {
            chromaFormat = 0; // separate_colour_plane_flag: each plane coded as monochrome
        }
        long width = r.ue();
        long height = r.ue();
        if (r.bits(1) == 1) { // conformance_window_flag
            int subWidth = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1;
            int subHeight = chromaFormat == 1 ? 2 : 1;
            width -= (long) subWidth * (r.ue() + (long) r.ue());
            height -= (long) subHeight * (r.ue() + (long) r.ue());
        }
        if (width <= 0 || height <= 0 || width > 16888 || height > 16888) {
            throw new MalformedConfigException("picture size " + width + "x" + height + " out of range");
        }
        return new int[] {(int) width, (int) height};
    }

    /** profile_tier_level(1, maxSubLayersMinus1), ITU-T H.265 7.3.3. */
    private static void skipProfileTierLevel(Bits r, int maxSubLayersMinus1) throws MalformedConfigException {
        r.skip(96); // general profile (88 bits) and general_level_idc
        List<int[]> present = new ArrayList<>();
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            present.add(new int[] {r.bits(1), r.bits(1)});
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int[] p : present) {
            r.skip(p[0] * 88 + p[1] * 8);
        }
    }

    /** Bits MSB first with unsigned Exp-Golomb codes, from a NAL unit payload freed of emulation prevention. */
    private static final class Bits {
        private final byte[] data;
        private long bit;

        Bits(byte[] data) {
            this.data = data;
        }

        int bits(int n) throws MalformedConfigException {
            if (bit + n > data.length * 8L) {
                throw new MalformedConfigException("H.265 SPS ends early");
            }
            int v = 0;
            for (int i = 0; i < n; i++, bit++) {
                v = (v << 1) | ((data[(int) (bit >> 3)] >> (7 - (int) (bit & 7))) & 1);
            }
            return v;
        }

        void skip(int n) throws MalformedConfigException {
            if (bit + n > data.length * 8L) {
                throw new MalformedConfigException("H.265 SPS ends early");
            }
            bit += n;
        }

        int ue() throws MalformedConfigException {
            int zeros = 0;
            while (bits(1) == 0) {
                if (++zeros > 30) {
                    throw new MalformedConfigException("Exp-Golomb code in the H.265 SPS is too long");
                }
            }
            return (1 << zeros) - 1 + bits(zeros);
        }
    }
}
