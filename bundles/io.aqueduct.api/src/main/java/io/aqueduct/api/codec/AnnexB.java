package io.aqueduct.api.codec;

import io.aqueduct.api.media.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ByteProcessor;
import java.util.ArrayList;
import java.util.List;

/**
 * The H.264 / H.265 byte stream format (ITU-T H.264 annex B, H.265 annex B: NAL units after {@code 00 00 01} or
 * {@code 00 00 00 01} start codes), as encoders write it and transport streams carry it, turned into what the hub
 * carries: length-prefixed NAL units and a decoder configuration record (ISO/IEC 14496-15). The other direction is
 * {@link AnnexBWriter}.
 */
public final class AnnexB {
    private AnnexB() {
    }

    /**
     * Visits the NAL units of an Annex B byte stream from its reader index to its writer index, without their start
     * codes; zero bytes before a start code (trailing_zero_8bits) belong to it, not to the NAL unit before. Bytes
     * before the first start code are not a NAL unit and are skipped. The buffer's indexes are not moved.
     */
    public static void forEachNalUnit(ByteBuf stream, NalUnits.Visitor visitor) {
        int end = stream.writerIndex();
        int start = -1;
        int p = stream.readerIndex();
        while (p + 2 < end) {
            int zero = stream.forEachByte(p, end - p - 2, ByteProcessor.FIND_NUL);
            if (zero < 0) {
                break;
            }
            if (stream.getByte(zero + 1) == 0 && stream.getByte(zero + 2) == 1) {
                if (start >= 0) {
                    visit(stream, start, trimZeros(stream, start, zero), visitor);
                }
                start = zero + 3;
                p = start;
            } else {
                p = zero + 1;
            }
        }
        if (start >= 0) {
            visit(stream, start, end, visitor);
        }
    }

    private static void visit(ByteBuf stream, int from, int to, NalUnits.Visitor visitor) {
        if (to > from) {
            visitor.nalUnit(stream, from, to - from);
        }
    }

    private static int trimZeros(ByteBuf stream, int start, int end) {
        while (end > start && stream.getByte(end - 1) == 0) {
            end--;
        }
        return end;
    }

    /**
     * One access unit as 4-byte-length-prefixed NAL units, leaving out access unit delimiters and parameter sets
     * (those travel in the track's configuration). The input is read, not released.
     *
     * @param codec {@link Codec#H264} or {@link Codec#H265}
     * @return a new buffer from {@code alloc}, owned by the caller
     */
    public static ByteBuf toLengthPrefixed(Codec codec, ByteBuf annexB, ByteBufAllocator alloc) {
        // each start code (3 or 4 bytes) becomes a 4-byte length: at most one more byte per NAL unit
        ByteBuf out = alloc.buffer(annexB.readableBytes() + 16);
        try {
            forEachNalUnit(annexB, (buf, index, length) -> {
                int type = NalUnits.type(codec, buf.getByte(index));
                if (!NalUnits.isAccessUnitDelimiter(codec, type) && !NalUnits.isParameterSet(codec, type)) {
                    out.writeInt(length).writeBytes(buf, index, length);
                }
            });
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * The decoder configuration record (avcC for H.264, hvcC for H.265, with 4-byte NAL lengths) from the
     * parameter sets in Annex B headers: an encoder's extradata, or a keyframe that carries them.
     *
     * @throws MalformedConfigException when a kind of parameter set is missing or the first SPS does not parse
     */
    public static byte[] decoderConfig(Codec codec, ByteBuf headers) throws MalformedConfigException {
        List<byte[]> vps = new ArrayList<>();
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        forEachNalUnit(headers, (buf, index, length) -> {
            int type = NalUnits.type(codec, buf.getByte(index));
            List<byte[]> into = switch (type) {
                case NalUnits.H264_SPS -> codec == Codec.H264 ? sps : null;
                case NalUnits.H264_PPS -> codec == Codec.H264 ? pps : null;
                case NalUnits.H265_VPS -> codec == Codec.H265 ? vps : null;
                case NalUnits.H265_SPS -> codec == Codec.H265 ? sps : null;
                case NalUnits.H265_PPS -> codec == Codec.H265 ? pps : null;
                default -> null;
            };
            if (into != null) {
                byte[] nal = new byte[length];
                buf.getBytes(index, nal);
                into.add(nal);
            }
        });
        return codec == Codec.H264 ? AvcDecoderConfig.build(sps, pps) : HevcDecoderConfig.build(vps, sps, pps);
    }
}
