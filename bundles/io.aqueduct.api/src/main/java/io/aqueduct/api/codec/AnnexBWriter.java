package io.aqueduct.api.codec;

import io.aqueduct.api.media.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Length-prefixed H.264 or H.265 access units (ISO/IEC 14496-15), as the hub carries them, to the Annex B byte
 * stream a transport stream carries: an access unit delimiter first (which HLS requires), the parameter sets before
 * every keyframe so each segment decodes on its own, and a start code before every NAL unit. One writer per track
 * configuration.
 *
 * <p>Nothing is copied: an access unit becomes a list of views (start codes, the prefix and slices of the payload)
 * that the caller writes out in order while the payload is still held.
 */
public final class AnnexBWriter {
    private static final byte[] START_CODE = {0, 0, 0, 1};
    /** AUD with primary_pic_type 7 (any slice type) and its stop bit. */
    private static final byte[] H264_AUD = {0, 0, 0, 1, NalUnits.H264_AUD, (byte) 0xf0};
    /** AUD (nuh_layer_id 0, TemporalId 0) with pic_type 2 (any slice type) and its stop bit. */
    private static final byte[] H265_AUD = {0, 0, 0, 1, NalUnits.H265_AUD << 1, 0x01, 0x50};

    private final Codec codec;
    private final int nalLengthSize;
    private final byte[] aud;
    private final byte[] keyframePrefix;

    private AnnexBWriter(Codec codec, int nalLengthSize, byte[] aud, List<byte[]> parameterSets) {
        this.codec = codec;
        this.nalLengthSize = nalLengthSize;
        this.aud = aud;
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        prefix.writeBytes(aud);
        for (byte[] nal : parameterSets) {
            prefix.writeBytes(START_CODE);
            prefix.writeBytes(nal);
        }
        this.keyframePrefix = prefix.toByteArray();
    }

    /** A writer for an H.264 track configuration: its NAL length size, SPS and PPS. */
    public static AnnexBWriter of(AvcDecoderConfig config) {
        List<byte[]> sets = new ArrayList<>(config.sps());
        sets.addAll(config.pps());
        return new AnnexBWriter(Codec.H264, config.nalLengthSize(), H264_AUD, sets);
    }

    /** A writer for an H.265 track configuration: its NAL length size, VPS, SPS and PPS. */
    public static AnnexBWriter of(HevcDecoderConfig config) {
        List<byte[]> sets = new ArrayList<>(config.vps());
        sets.addAll(config.sps());
        sets.addAll(config.pps());
        return new AnnexBWriter(Codec.H265, config.nalLengthSize(), H265_AUD, sets);
    }

    /**
     * The Annex B access unit as views to write in order. Access unit delimiters already in the payload are
     * dropped (ours comes first); the payload's reader index is not moved.
     *
     * @throws IllegalArgumentException when a NAL unit length runs past the payload; nothing is returned then
     */
    public List<ByteBuf> accessUnit(ByteBuf payload, boolean keyframe) {
        List<ByteBuf> parts = new ArrayList<>();
        parts.add(Unpooled.wrappedBuffer(keyframe ? keyframePrefix : aud));
        NalUnits.forEachLengthPrefixed(payload, nalLengthSize, (buf, index, length) -> {
            if (!NalUnits.isAccessUnitDelimiter(codec, NalUnits.type(codec, buf.getByte(index)))) {
                parts.add(Unpooled.wrappedBuffer(START_CODE));
                parts.add(buf.slice(index, length));
            }
        });
        return parts;
    }
}
