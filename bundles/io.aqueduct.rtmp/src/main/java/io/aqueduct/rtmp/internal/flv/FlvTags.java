package io.aqueduct.rtmp.internal.flv;

/** Constants of FLV audio and video tag headers. */
final class FlvTags {
    static final int FRAME_KEY = 1;
    static final int FRAME_INTER = 2;
    static final int FRAME_COMMAND = 5;

    static final int VIDEO_AVC = 7;
    /** HEVC with the AVC layout under codec id 12: not in the FLV spec, but sent by some encoders. */
    static final int VIDEO_HEVC_LEGACY = 12;
    static final int AVC_SEQUENCE_HEADER = 0;
    static final int AVC_NALU = 1;

    /** Enhanced RTMP: bit 7 of the first byte says a FourCC follows. */
    static final int EX_HEADER = 0x80;
    static final int EX_SEQUENCE_START = 0;
    static final int EX_CODED_FRAMES = 1;
    static final int EX_CODED_FRAMES_X = 3;
    static final int FOURCC_AVC = fourCc("avc1");
    static final int FOURCC_HEVC = fourCc("hvc1");

    static final int AUDIO_MP3 = 2;
    static final int AUDIO_AAC = 10;
    static final int AAC_SEQUENCE_HEADER = 0;
    static final int AAC_RAW = 1;

    private FlvTags() {
    }

    static int fourCc(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }

    static String fourCcName(int v) {
        StringBuilder b = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (v >>> shift) & 0xff;
            b.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return b.toString();
    }
}
