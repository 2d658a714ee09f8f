package io.aqueduct.api.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1): the H.264 configuration that FLV sequence headers
 * and MP4 {@code avcC} boxes carry, and what {@link io.aqueduct.api.media.Track#config()} holds for H.264.
 *
 * @param nalLengthSize bytes in each NAL unit's length prefix (1, 2 or 4)
 * @param sps the sequence parameter sets, each a NAL unit with its header byte
 * @param pps the picture parameter sets
 * @param first the first SPS, parsed
 */
public record AvcDecoderConfig(int nalLengthSize, List<byte[]> sps, List<byte[]> pps, H264Sps first) {

    public AvcDecoderConfig {
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
    }

    public static AvcDecoderConfig parse(byte[] record) throws MalformedConfigException {
        if (record.length < 7) {
            throw new MalformedConfigException("AVC configuration record of " + record.length + " bytes is too short");
        }
        if (record[0] != 1) {
            throw new MalformedConfigException("AVC configuration record version " + record[0] + ", expected 1");
        }
        int lengthSize = (record[4] & 0x03) + 1;
        if (lengthSize == 3) {
            throw new MalformedConfigException("NAL length size 3 is not allowed");
        }
        int[] pos = {5};
        List<byte[]> sps = nalUnits(record, pos, record[5] & 0x1f, "SPS");
        if (pos[0] >= record.length) {
            throw new MalformedConfigException("AVC configuration record ends before its PPS count");
        }
        List<byte[]> pps = nalUnits(record, pos, record[pos[0]] & 0xff, "PPS");
        if (sps.isEmpty()) {
            throw new MalformedConfigException("AVC configuration record has no SPS");
        }
        return new AvcDecoderConfig(lengthSize, sps, pps, H264Sps.parse(sps.get(0)));
    }

    /**
     * The record (with 4-byte NAL lengths) for these parameter sets: profile and level from the first SPS, and
     * for profiles other than Baseline, Main and Extended (ISO/IEC 14496-15 5.3.3.1.2) its chroma format and bit
     * depths.
     *
     * @throws MalformedConfigException when there is no SPS or no PPS, or the first SPS does not parse
     */
    public static byte[] build(List<byte[]> sps, List<byte[]> pps) throws MalformedConfigException {
        if (sps.isEmpty() || pps.isEmpty() || sps.size() > 31 || pps.size() > 255) {
            throw new MalformedConfigException(sps.size() + " SPS and " + pps.size()
                    + " PPS; an H.264 configuration needs one of each (at most 31 SPS and 255 PPS)");
        }
        H264Sps first = H264Sps.parse(sps.get(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1); // configurationVersion
        out.write(first.profile()); // AVCProfileIndication
        out.write(first.constraints()); // profile_compatibility
        out.write(first.level()); // AVCLevelIndication
        out.write(0xff); // reserved, lengthSizeMinusOne = 3
        out.write(0xe0 | sps.size());
        for (byte[] s : sps) {
            writeShortPrefixed(out, s);
        }
        out.write(pps.size());
        for (byte[] p : pps) {
            writeShortPrefixed(out, p);
        }
        int profile = first.profile();
        if (profile != 66 && profile != 77 && profile != 88) {
            out.write(0xfc | first.chromaFormat());
            out.write(0xf8 | (first.bitDepthLuma() - 8));
            out.write(0xf8 | (first.bitDepthChroma() - 8));
            out.write(0); // numOfSequenceParameterSetExt
        }
        return out.toByteArray();
    }

    /** A NAL unit after its 16-bit length, as configuration records carry parameter sets. */
    static void writeShortPrefixed(ByteArrayOutputStream out, byte[] nal) throws MalformedConfigException {
        if (nal.length == 0 || nal.length > 0xffff) {
            throw new MalformedConfigException("parameter set of " + nal.length + " bytes does not fit a record");
        }
        out.write(nal.length >> 8);
        out.write(nal.length);
        out.writeBytes(nal);
    }

    /** Reads {@code count} 16-bit-length-prefixed NAL units after the count byte at {@code pos[0]}. */
    private static List<byte[]> nalUnits(byte[] record, int[] pos, int count, String what)
            throws MalformedConfigException {
        int p = pos[0] + 1;
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (p + 2 > record.length) {
                throw new MalformedConfigException("AVC configuration record ends inside " + what + " " + i);
            }
            int len = ((record[p] & 0xff) << 8) | (record[p + 1] & 0xff);
            p += 2;
            if (len == 0 || p + len > record.length) {
                throw new MalformedConfigException(what + " " + i + " of " + len + " bytes overruns the record");
            }
            byte[] nal = new byte[len];
            System.arraycopy(record, p, nal, 0, len);
            out.add(nal);
            p += len;
        }
        pos[0] = p;
        return out;
    }
}
