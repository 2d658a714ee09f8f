package io.aqueduct.api.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1): the H.265 configuration that Enhanced RTMP
 * sequence headers and MP4 {@code hvcC} boxes carry, and what {@link io.aqueduct.api.media.Track#config()} holds
 * for H.265.
 *
 * @param profileSpace general_profile_space (0 to 3)
 * @param highTier general_tier_flag
 * @param profileIdc general_profile_idc
 * @param compatibilityFlags general_profile_compatibility_flags, 32 bits
 * @param constraintFlags general_constraint_indicator_flags, 48 bits
 * @param levelIdc general_level_idc (30 times the level number)
 * @param nalLengthSize bytes in each NAL unit's length prefix (1, 2 or 4)
 * @param vps the video parameter sets, each a NAL unit with its header
 * @param sps the sequence parameter sets
 * @param pps the picture parameter sets
 * @param width picture width after the conformance window of the first SPS, 0 when the record has no SPS
 * @param height picture height after the conformance window, 0 when the record has no SPS
 */
public record HevcDecoderConfig(int profileSpace, boolean highTier, int profileIdc, long compatibilityFlags,
        long constraintFlags, int levelIdc, int nalLengthSize, List<byte[]> vps, List<byte[]> sps, List<byte[]> pps,
        int width, int height) {
    /** Bytes before the NAL unit arrays. */
    private static final int HEADER = 23;

    public HevcDecoderConfig {
        vps = List.copyOf(vps);
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    public static HevcDecoderConfig parse(byte[] record) throws MalformedConfigException {
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
        int lengthSize = (record[21] & 0x03) + 1;
        if (lengthSize == 3) {
            throw new MalformedConfigException("NAL length size 3 is not allowed");
        }
        List<byte[]> vps = new ArrayList<>();
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        int arrays = record[22] & 0xff;
        int p = HEADER;
        for (int a = 0; a < arrays; a++) {
            if (p + 3 > record.length) {
                throw new MalformedConfigException("HEVC configuration record ends inside array " + a);
            }
            int type = record[p] & 0x3f;
            int count = ((record[p + 1] & 0xff) << 8) | (record[p + 2] & 0xff);
            p += 3;
            List<byte[]> into = type == NalUnits.H265_VPS ? vps : type == NalUnits.H265_SPS ? sps
                    : type == NalUnits.H265_PPS ? pps : null; // SEI arrays: skipped
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
                if (into != null) {
                    byte[] nal = new byte[length];
                    System.arraycopy(record, p, nal, 0, length);
                    into.add(nal);
                }
                p += length;
            }
        }
        int width = 0;
        int height = 0;
        if (!sps.isEmpty()) {
            H265Sps first = H265Sps.parse(sps.get(0));
            width = first.width();
            height = first.height();
        }
        return new HevcDecoderConfig(b >> 6, (b & 0x20) != 0, b & 0x1f, compatibility, constraints, level, lengthSize,
                vps, sps, pps, width, height);
    }

    /**
     * The record (with 4-byte NAL lengths) for these parameter sets: profile, tier, level, chroma format, bit
     * depths and temporal layers from the first SPS.
     *
     * @throws MalformedConfigException when a kind of parameter set is missing or the first SPS does not parse
     */
    public static byte[] build(List<byte[]> vps, List<byte[]> sps, List<byte[]> pps)
            throws MalformedConfigException {
        if (vps.isEmpty() || sps.isEmpty() || pps.isEmpty()) {
            throw new MalformedConfigException(vps.size() + " VPS, " + sps.size() + " SPS and " + pps.size()
                    + " PPS; an H.265 configuration needs one of each");
        }
        H265Sps s = H265Sps.parse(sps.get(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // configurationVersion
        out.write(s.profileSpace() << 6 | (s.highTier() ? 0x20 : 0) | s.profileIdc());
        for (int i = 24; i >= 0; i -= 8) {
            out.write((int) (s.compatibilityFlags() >>> i));
        }
        for (int i = 40; i >= 0; i -= 8) {
            out.write((int) (s.constraintFlags() >>> i));
        }
        out.write(s.levelIdc());
        out.write(0xf0); // reserved, min_spatial_segmentation_idc 0 (unknown)
        out.write(0);
        out.write(0xfc); // reserved, parallelismType 0 (unknown)
        out.write(0xfc | s.chromaFormat());
        out.write(0xf8 | (s.bitDepthLuma() - 8));
        out.write(0xf8 | (s.bitDepthChroma() - 8));
        out.write(0); // avgFrameRate: unknown
        out.write(0);
        // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3
        out.write(s.maxSubLayers() << 3 | (s.temporalIdNesting() ? 0x04 : 0) | 0x03);
        out.write(3); // numOfArrays
        writeArray(out, NalUnits.H265_VPS, vps);
        writeArray(out, NalUnits.H265_SPS, sps);
        writeArray(out, NalUnits.H265_PPS, pps);
        return out.toByteArray();
    }

    private static void writeArray(ByteArrayOutputStream out, int type, List<byte[]> nals)
            throws MalformedConfigException {
        out.write(0x80 | type); // array_completeness: every parameter set of the kind is here
        out.write(nals.size() >> 8);
        out.write(nals.size());
        for (byte[] nal : nals) {
            AvcDecoderConfig.writeShortPrefixed(out, nal);
        }
    }

    /**
     * The {@code hvc1.…} string HLS and MSE use in CODECS (ISO/IEC 14496-15 annex E.3): profile space (none, A, B
     * or C) and profile, the compatibility flags in reverse bit order in hex, tier (L or H) and level, then the
     * constraint bytes in hex without the trailing zero ones.
     */
    public String codecString() {
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
}
