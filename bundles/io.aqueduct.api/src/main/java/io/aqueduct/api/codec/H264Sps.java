package io.aqueduct.api.codec;

/**
 * What a player needs from an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1): profile, level, the
 * displayed picture size (after cropping), chroma format and bit depths.
 *
 * @param chromaFormat chroma_format_idc (1, 4:2:0, where the profile does not say)
 */
public record H264Sps(int profile, int constraints, int level, int width, int height, int chromaFormat,
        int bitDepthLuma, int bitDepthChroma) {

    /** An SPS of 8-bit 4:2:0 video (the form of version 1.1 of this package). */
    public H264Sps(int profile, int constraints, int level, int width, int height) {
        this(profile, constraints, level, width, height, 1, 8, 8);
    }

    /** Parses an SPS NAL unit (starting with its one-byte NAL header). */
    public static H264Sps parse(byte[] nal) throws MalformedConfigException {
        if (nal.length < 4 || (nal[0] & 0x1f) != NalUnits.H264_SPS) {
            throw new MalformedConfigException("not an H.264 sequence parameter set");
        }
        byte[] rbsp = Rbsp.unescape(nal, 1, nal.length - 1);
        BitReader r = new BitReader(rbsp, 0, rbsp.length);
        int profile = r.bits(8);
        int constraints = r.bits(8);
        int level = r.bits(8);
        r.ue(); // seq_parameter_set_id
        int chromaFormat = 1;
        int depthLuma = 8;
        int depthChroma = 8;
        if (hasChromaInfo(profile)) {
            chromaFormat = r.ue();
            if (chromaFormat > 3) {
                throw new MalformedConfigException("chroma_format_idc " + chromaFormat + " out of range");
            }
            if (chromaFormat == 3) {
                r.flag(); // separate_colour_plane_flag
            }
            depthLuma = r.ue() + 8;
            depthChroma = r.ue() + 8;
            if (depthLuma > 14 || depthChroma > 14) {
                throw new MalformedConfigException("bit depth " + depthLuma + "/" + depthChroma + " out of range");
            }
            r.flag(); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                for (int i = 0; i < (chromaFormat != 3 ? 8 : 12); i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.flag(); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            int cycle = r.ue();
            if (cycle > 255) {
                throw new MalformedConfigException("num_ref_frames_in_pic_order_cnt_cycle " + cycle + " out of range");
            }
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        }
        r.ue(); // max_num_ref_frames
        r.flag(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.flag(); // mb_adaptive_frame_field_flag
        }
        r.flag(); // direct_8x8_inference_flag
        int cropLeft = 0;
        int cropRight = 0;
        int cropTop = 0;
        int cropBottom = 0;
        if (r.flag()) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        int fieldFactor = frameMbsOnly ? 1 : 2;
        int cropUnitX = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1;
        int cropUnitY = (chromaFormat == 1 ? 2 : 1) * fieldFactor;
        long width = widthMbs * 16L - (long) cropUnitX * (cropLeft + cropRight);
        long height = heightMapUnits * 16L * fieldFactor - (long) cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new MalformedConfigException("picture size " + width + "x" + height + " out of range");
        }
        return new H264Sps(profile, constraints, level, (int) width, (int) height, chromaFormat, depthLuma,
                depthChroma);
    }

    /** The {@code avc1.PPCCLL} string HLS and MSE use in CODECS. */
    public String codecString() {
        return String.format("avc1.%02x%02x%02x", profile, constraints, level);
    }

    private static boolean hasChromaInfo(int profile) {
        switch (profile) {
            case 100: case 110: case 122: case 244: case 44: case 83: case 86: case 118: case 128: case 138:
            case 139: case 134: case 135:
                return true;
            default:
                return false;
        }
    }

    private static void skipScalingList(BitReader r, int size) throws MalformedConfigException {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }
}
