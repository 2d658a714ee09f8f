package io.aqueduct.hls.internal.ts;

import io.aqueduct.api.codec.AvcDecoderConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Length-prefixed H.264 access units (ISO/IEC 14496-15) to the Annex B byte stream a transport stream carries:
 * an access unit delimiter first (which HLS requires), SPS and PPS before every IDR picture so each segment
 * decodes on its own, and a start code before every NAL unit.
 *
 * <p>Nothing is copied: the result is a list of views (start codes, the prefix and slices of the payload) that the
 * caller writes out in order while the payload is still held.
 */
public final class AnnexB {
    static final int NAL_TYPE_AUD = 9;

    private static final byte[] START_CODE = {0, 0, 0, 1};
    /** AUD with primary_pic_type 7 (any slice type) and its stop bit. */
    private static final byte[] AUD = {0, 0, 0, 1, NAL_TYPE_AUD, (byte) 0xf0};

    private final int nalLengthSize;
    private final byte[] keyframePrefix;

    private AnnexB(int nalLengthSize, byte[] keyframePrefix) {
        this.nalLengthSize = nalLengthSize;
        this.keyframePrefix = keyframePrefix;
    }

    /** A converter for one track configuration: its NAL length size and parameter sets. */
    public static AnnexB of(AvcDecoderConfig config) {
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        prefix.writeBytes(AUD);
        for (byte[] sps : config.sps()) {
            prefix.writeBytes(START_CODE);
            prefix.writeBytes(sps);
        }
        for (byte[] pps : config.pps()) {
            prefix.writeBytes(START_CODE);
            prefix.writeBytes(pps);
        }
        return new AnnexB(config.nalLengthSize(), prefix.toByteArray());
    }

    /**
     * The Annex B access unit as views to write in order. Access unit delimiters already in the payload are
     * dropped (ours comes first); the payload's reader index is not moved.
     *
     * @throws IllegalArgumentException when a NAL unit length runs past the payload
     */
    public List<ByteBuf> accessUnit(ByteBuf payload, boolean keyframe) {
        List<ByteBuf> parts = new ArrayList<>();
        parts.add(keyframe ? Unpooled.wrappedBuffer(keyframePrefix) : Unpooled.wrappedBuffer(AUD));
        int p = payload.readerIndex();
        int end = payload.writerIndex();
        while (p < end) {
            if (end - p < nalLengthSize) {
                throw new IllegalArgumentException("H.264 payload ends inside a NAL unit length at offset "
                        + (p - payload.readerIndex()));
            }
            long length = 0;
            for (int i = 0; i < nalLengthSize; i++) {
                length = (length << 8) | payload.getUnsignedByte(p + i);
            }
            p += nalLengthSize;
            if (length > end - p) {
                throw new IllegalArgumentException("H.264 NAL unit of " + length + " bytes overruns the payload ("
                        + (end - p) + " left)");
            }
            int n = (int) length;
            if (n > 0 && (payload.getByte(p) & 0x1f) != NAL_TYPE_AUD) {
                parts.add(Unpooled.wrappedBuffer(START_CODE));
                parts.add(payload.slice(p, n));
            }
            p += n;
        }
        return parts;
    }
}
