package io.aqueduct.api.codec;

import io.aqueduct.api.media.Codec;
import io.netty.buffer.ByteBuf;

/**
 * NAL unit types of H.264 (ITU-T H.264 table 7-1) and H.265 (ITU-T H.265 table 7-1), and the walk over the NAL
 * units of a length-prefixed access unit (ISO/IEC 14496-15: each NAL unit after a 1, 2 or 4 byte length), which
 * is how the hub carries H.264 and H.265 (see {@link io.aqueduct.api.media}).
 *
 * <p>The walk hands out positions in the caller's buffer, never copies: an RTP packetizer (RFC 6184, RFC 7798)
 * slices what it needs, a muxer writes the bytes where it wants them.
 */
public final class NalUnits {
    public static final int H264_SLICE = 1;
    public static final int H264_IDR = 5;
    public static final int H264_SEI = 6;
    public static final int H264_SPS = 7;
    public static final int H264_PPS = 8;
    public static final int H264_AUD = 9;

    public static final int H265_VPS = 32;
    public static final int H265_SPS = 33;
    public static final int H265_PPS = 34;
    public static final int H265_AUD = 35;

    private NalUnits() {
    }

    /** Told where each NAL unit is: {@code length} bytes at {@code index} of {@code buffer}. */
    @FunctionalInterface
    public interface Visitor {
        void nalUnit(ByteBuf buffer, int index, int length);
    }

    /** The nal_unit_type in the first byte of a NAL unit header of {@code codec} (H.264 or H.265). */
    public static int type(Codec codec, int firstHeaderByte) {
        return switch (codec) {
            case H264 -> firstHeaderByte & 0x1f;
            case H265 -> (firstHeaderByte >> 1) & 0x3f;
            default -> throw new IllegalArgumentException(codec + " has no NAL units");
        };
    }

    /** Whether a NAL unit type is a parameter set: SPS or PPS (and VPS for H.265). */
    public static boolean isParameterSet(Codec codec, int type) {
        return codec == Codec.H264 ? type == H264_SPS || type == H264_PPS
                : type == H265_VPS || type == H265_SPS || type == H265_PPS;
    }

    /** Whether a NAL unit type is an access unit delimiter. */
    public static boolean isAccessUnitDelimiter(Codec codec, int type) {
        return codec == Codec.H264 ? type == H264_AUD : type == H265_AUD;
    }

    /**
     * Visits the NAL units of a length-prefixed access unit, from its reader index to its writer index, in order;
     * zero-length units are skipped. Every length is checked before the first visit, so a malformed access unit
     * is refused whole. The buffer's indexes are not moved.
     *
     * @param nalLengthSize bytes in each length prefix: 1, 2 or 4 (the configuration record says which)
     * @throws IllegalArgumentException when a length or a NAL unit runs past the end, naming the offset
     */
    public static void forEachLengthPrefixed(ByteBuf accessUnit, int nalLengthSize, Visitor visitor) {
        if (nalLengthSize != 1 && nalLengthSize != 2 && nalLengthSize != 4) {
            throw new IllegalArgumentException("NAL length size " + nalLengthSize + " is not 1, 2 or 4");
        }
        walk(accessUnit, nalLengthSize, null);
        walk(accessUnit, nalLengthSize, visitor);
    }

    /** How many NAL units a length-prefixed access unit holds (zero-length ones not counted). */
    public static int countLengthPrefixed(ByteBuf accessUnit, int nalLengthSize) {
        int[] n = {0};
        forEachLengthPrefixed(accessUnit, nalLengthSize, (b, i, l) -> n[0]++);
        return n[0];
    }

    private static void walk(ByteBuf au, int nalLengthSize, Visitor visitor) {
        int start = au.readerIndex();
        int end = au.writerIndex();
        int p = start;
        while (p < end) {
            if (end - p < nalLengthSize) {
                throw new IllegalArgumentException("access unit ends inside a NAL unit length at offset "
                        + (p - start));
            }
            long length = switch (nalLengthSize) {
                case 1 -> au.getUnsignedByte(p);
                case 2 -> au.getUnsignedShort(p);
                default -> au.getUnsignedInt(p);
            };
            p += nalLengthSize;
            if (length > end - p) {
                throw new IllegalArgumentException("NAL unit of " + length + " bytes at offset " + (p - start)
                        + " overruns the access unit (" + (end - p) + " left)");
            }
            if (visitor != null && length > 0) {
                visitor.nalUnit(au, p, (int) length);
            }
            p += (int) length;
        }
    }
}
