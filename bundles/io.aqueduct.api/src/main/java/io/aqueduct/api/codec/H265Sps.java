package io.aqueduct.api.codec;

/**
 * What a muxer and a player need from an H.265 sequence parameter set (ITU-T H.265 7.3.2.2.1): the general
 * profile, tier and level (7.3.3), the chroma format and bit depths, and the displayed picture size (after the
 * conformance window).
 *
 * @param maxSubLayers sps_max_sub_layers_minus1 + 1 (1 to 7)
 * @param temporalIdNesting sps_temporal_id_nesting_flag
 * @param profileSpace general_profile_space (0 to 3)
 * @param highTier general_tier_flag
 * @param profileIdc general_profile_idc
 * @param compatibilityFlags general_profile_compatibility_flags, 32 bits
 * @param constraintFlags the 48 bits after them (progressive_source_flag to general_inbld_flag / reserved)
 * @param levelIdc general_level_idc (30 times the level number)
 * @param chromaFormat chroma_format_idc (0 to 3)
 */
public record H265Sps(int maxSubLayers, boolean temporalIdNesting, int profileSpace, boolean highTier,
        int profileIdc, long compatibilityFlags, long constraintFlags, int levelIdc, int chromaFormat, int width,
        int height, int bitDepthLuma, int bitDepthChroma) {

    /** Parses an SPS NAL unit (starting with its two-byte NAL unit header). */
    public static H265Sps parse(byte[] nal) throws MalformedConfigException {
        if (nal.length < 3 || NalUnits.type(io.aqueduct.api.media.Codec.H265, nal[0]) != NalUnits.H265_SPS) {
            throw new MalformedConfigException("not an H.265 sequence parameter set");
        }
        byte[] rbsp = Rbsp.unescape(nal, 2, nal.length - 2);
        BitReader r = new BitReader(rbsp, 0, rbsp.length);
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.bits(3);
        if (maxSubLayersMinus1 > 6) {
            throw new MalformedConfigException("sps_max_sub_layers_minus1 " + maxSubLayersMinus1 + " out of range");
        }
        boolean nesting = r.flag();
        int profileSpace = r.bits(2);
        boolean highTier = r.flag();
        int profileIdc = r.bits(5);
        long compatibility = r.bitsLong(32);
        long constraints = (r.bitsLong(24) << 24) | r.bitsLong(24);
        int level = r.bits(8);
        skipSubLayers(r, maxSubLayersMinus1);
        r.ue(); // sps_seq_parameter_set_id
        int chromaFormat = r.ue();
        if (chromaFormat > 3) {
            throw new MalformedConfigException("chroma_format_idc " + chromaFormat + " out of range");
        }
        // separate_colour_plane_flag: each plane coded as monochrome, so no chroma subsampling in the window
        int windowChroma = chromaFormat == 3 && r.flag() ? 0 : chromaFormat;
        long width = r.ue();
        long height = r.ue();
        if (r.flag()) { // conformance_window_flag
            int subWidth = windowChroma == 1 || windowChroma == 2 ? 2 : 1;
            int subHeight = windowChroma == 1 ? 2 : 1;
            width -= (long) subWidth * (r.ue() + (long) r.ue());
            height -= (long) subHeight * (r.ue() + (long) r.ue());
        }
        if (width <= 0 || height <= 0 || width > 16888 || height > 16888) {
            throw new MalformedConfigException("picture size " + width + "x" + height + " out of range");
        }
        int depthLuma = r.ue() + 8;
        int depthChroma = r.ue() + 8;
        if (depthLuma > 16 || depthChroma > 16) {
            throw new MalformedConfigException("bit depth " + depthLuma + "/" + depthChroma + " out of range");
        }
        return new H265Sps(maxSubLayersMinus1 + 1, nesting, profileSpace, highTier, profileIdc, compatibility,
                constraints, level, chromaFormat, (int) width, (int) height, depthLuma, depthChroma);
    }

    /** The sub-layer part of profile_tier_level(1, maxSubLayersMinus1), ITU-T H.265 7.3.3. */
    private static void skipSubLayers(BitReader r, int maxSubLayersMinus1) throws MalformedConfigException {
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.flag();
            levelPresent[i] = r.flag();
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2L * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            r.skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }
    }
}
