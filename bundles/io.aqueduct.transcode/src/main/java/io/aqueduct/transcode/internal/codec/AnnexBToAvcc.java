package io.aqueduct.transcode.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What encoders write (H.264 Annex B: NAL units after start codes, ITU-T H.264 B.1) turned into what the hub
 * carries (ISO/IEC 14496-15: each NAL unit after a 4-byte length, and the SPS and PPS in an
 * AVCDecoderConfigurationRecord).
 */
public final class AnnexBToAvcc {
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    private static final int NAL_AUD = 9;

    private AnnexBToAvcc() {
    }

    /** The NAL units of an Annex B byte sequence, as [offset, length] pairs, without their start codes. */
    static List<int[]> nalUnits(byte[] data, int length) {
        List<int[]> out = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < length) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    out.add(new int[] {start, trimZeros(data, start, i) - start});
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < length) {
            out.add(new int[] {start, length - start});
        }
        return out;
    }

    /** The end of the NAL unit before a start code: trailing zero bytes belong to the next start code. */
    private static int trimZeros(byte[] data, int start, int end) {
        while (end > start && data[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /**
     * One access unit as length-prefixed NAL units, leaving out access unit delimiters and parameter sets (those
     * travel in the track's configuration).
     */
    public static ByteBuf accessUnit(byte[] data, int length, ByteBufAllocator alloc) {
        List<int[]> nals = nalUnits(data, length);
        ByteBuf out = alloc.buffer(length + 4 * nals.size());
        for (int[] n : nals) {
            int type = data[n[0]] & 0x1f;
            if (n[1] == 0 || type == NAL_AUD || type == NAL_SPS || type == NAL_PPS) {
                continue;
            }
            out.writeInt(n[1]).writeBytes(data, n[0], n[1]);
        }
        return out;
    }

    /**
     * An AVCDecoderConfigurationRecord with 4-byte lengths from the SPS and PPS in Annex B headers (an encoder's
     * extradata, or a keyframe that carries them).
     *
     * @throws IllegalArgumentException when there is no SPS or no PPS
     */
    public static byte[] decoderConfig(byte[] headers, int length) {
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (int[] n : nalUnits(headers, length)) {
            if (n[1] == 0) {
                continue;
            }
            int type = headers[n[0]] & 0x1f;
            byte[] nal = java.util.Arrays.copyOfRange(headers, n[0], n[0] + n[1]);
            if (type == NAL_SPS) {
                sps.add(nal);
            } else if (type == NAL_PPS) {
                pps.add(nal);
            }
        }
        if (sps.isEmpty() || pps.isEmpty() || sps.get(0).length < 4) {
            throw new IllegalArgumentException("the encoder's headers have " + sps.size() + " SPS and " + pps.size()
                    + " PPS; an H.264 configuration needs one of each");
        }
        byte[] first = sps.get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // configurationVersion
        out.write(first[1]); // AVCProfileIndication
        out.write(first[2]); // profile_compatibility
        out.write(first[3]); // AVCLevelIndication
        out.write(0xff); // reserved, lengthSizeMinusOne = 3
        out.write(0xe0 | sps.size());
        for (byte[] s : sps) {
            out.write(s.length >> 8);
            out.write(s.length);
            out.writeBytes(s);
        }
        out.write(pps.size());
        for (byte[] p : pps) {
            out.write(p.length >> 8);
            out.write(p.length);
            out.writeBytes(p);
        }
        int profile = first[1] & 0xff;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
            // 14496-15 5.3.3.1.2: the high profiles add chroma format and bit depths (4:2:0, 8 bits: what we encode)
            out.write(0xfc | 1);
            out.write(0xf8);
            out.write(0xf8);
            out.write(0);
        }
        return out.toByteArray();
    }
}
