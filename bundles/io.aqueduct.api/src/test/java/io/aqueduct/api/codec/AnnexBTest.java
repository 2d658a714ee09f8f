package io.aqueduct.api.codec;

import static io.aqueduct.api.codec.AnnexBWriterTest.concat;
import static io.aqueduct.api.codec.AnnexBWriterTest.nal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aqueduct.api.media.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Annex B to what the hub carries, and back with {@link AnnexBWriter}. */
class AnnexBTest {
    // SPS of a 320x240 High profile stream (x264) and its PPS, as the encoder writes them
    private static final byte[] SPS = ByteBufUtil.decodeHexDump("6764000dacd94141fb0110000003001000000303c0f1429960");
    private static final byte[] PPS = ByteBufUtil.decodeHexDump("68ebe3cb22c0");
    private static final byte[] START3 = {0, 0, 1};
    private static final byte[] START4 = {0, 0, 0, 1};

    @Test
    void findsNalUnitsAfterThreeAndFourByteStartCodes() {
        byte[] idr = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x00, 0x02}; // ends in zeros that are not a start code
        byte[] sei = {0x06, 0x05, 0x01, (byte) 0x80};
        ByteBuf stream = Unpooled.wrappedBuffer(concat(new byte[] {0x77}, START4, sei, new byte[] {0, 0}, START3, idr));
        List<String> found = new ArrayList<>();
        AnnexB.forEachNalUnit(stream, (buf, index, length) -> found.add(ByteBufUtil.hexDump(buf, index, length)));
        // the byte before the first start code is no NAL unit; the zeros before a start code belong to it
        assertEquals(List.of(ByteBufUtil.hexDump(sei), ByteBufUtil.hexDump(idr)), found);
        assertEquals(0, stream.readerIndex());
    }

    @Test
    void anAccessUnitKeepsItsSlicesAndLeavesOutDelimitersAndParameterSets() {
        byte[] idr = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x00, 0x02};
        byte[] sei = {0x06, 0x05, 0x01, (byte) 0x80};
        byte[] au = concat(new byte[] {0, 0, 0, 1, 0x09, (byte) 0xf0}, START4, SPS, START3, PPS, START3, sei, START4,
                idr);
        ByteBuf out = AnnexB.toLengthPrefixed(Codec.H264, Unpooled.wrappedBuffer(au), ByteBufAllocator.DEFAULT);
        try {
            assertArrayEquals(concat(new byte[] {0, 0, 0, 4}, sei, new byte[] {0, 0, 0, 6}, idr),
                    ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }

    @Test
    void roundTripsBothWaysForH264() throws Exception {
        byte[] headers = concat(START4, SPS, START3, PPS);
        AvcDecoderConfig config = AvcDecoderConfig.parse(AnnexB.decoderConfig(Codec.H264,
                Unpooled.wrappedBuffer(headers)));
        byte[] sei = nal(0x06, 30, 1);
        byte[] idr = nal(0x65, 700, 2);
        // Annex B (as an encoder writes it) -> length-prefixed -> Annex B (as a transport stream carries it)
        byte[] encoded = concat(START4, SPS, START4, PPS, START4, sei, START3, idr);
        ByteBuf hub = AnnexB.toLengthPrefixed(Codec.H264, Unpooled.wrappedBuffer(encoded), ByteBufAllocator.DEFAULT);
        try {
            byte[] ts = concat(AnnexBWriter.of(config).accessUnit(hub, true));
            assertArrayEquals(concat(AnnexBWriterTest.AUD, START4, SPS, START4, PPS, START4, sei, START4, idr), ts);
            assertBackTo(hub, Codec.H264, ts);
        } finally {
            hub.release();
        }
    }

    @Test
    void roundTripsBothWaysForH265() throws Exception {
        HevcDecoderConfig x265 = HevcDecoderConfig.parse(HevcDecoderConfigTest.HEVC_RECORD);
        byte[] headers = concat(START4, x265.vps().get(0), START4, x265.sps().get(0), START3, x265.pps().get(0));
        assertArrayEquals(HevcDecoderConfigTest.HEVC_RECORD, AnnexB.decoderConfig(Codec.H265,
                Unpooled.wrappedBuffer(headers)), "the record x265 wrote, from its Annex B headers");
        byte[] idr = nal(0x26, 500, 3);
        byte[] trail = nal(0x02, 90, 4);
        ByteBuf hub = AnnexB.toLengthPrefixed(Codec.H265, Unpooled.wrappedBuffer(concat(new byte[] {0, 0, 0, 1, 0x46,
            0x01, 0x50}, headers, START4, idr, START3, trail)), ByteBufAllocator.DEFAULT);
        try {
            assertArrayEquals(concat(new byte[] {0, 0, 1, (byte) 0xf4}, idr, new byte[] {0, 0, 0, 90}, trail),
                    ByteBufUtil.getBytes(hub), "VPS, SPS, PPS and the AUD left out");
            assertBackTo(hub, Codec.H265, concat(AnnexBWriter.of(x265).accessUnit(hub, false)));
        } finally {
            hub.release();
        }
    }

    /** Annex B {@code ts} back to length-prefixed form: the same access unit as {@code hub}. */
    private static void assertBackTo(ByteBuf hub, Codec codec, byte[] ts) {
        ByteBuf again = AnnexB.toLengthPrefixed(codec, Unpooled.wrappedBuffer(ts), ByteBufAllocator.DEFAULT);
        try {
            assertEquals(ByteBufUtil.hexDump(hub), ByteBufUtil.hexDump(again));
        } finally {
            again.release();
        }
    }

    @Test
    void headersBecomeADecoderConfigurationRecordWithFourByteLengths() throws Exception {
        byte[] record = AnnexB.decoderConfig(Codec.H264, Unpooled.wrappedBuffer(concat(START4, SPS, START3, PPS)));
        AvcDecoderConfig config = AvcDecoderConfig.parse(record);
        assertEquals(4, config.nalLengthSize());
        assertArrayEquals(SPS, config.sps().get(0));
        assertArrayEquals(PPS, config.pps().get(0));
        assertEquals(320, config.first().width());
        assertEquals(240, config.first().height());
        assertEquals("fdf8f800", ByteBufUtil.hexDump(record, record.length - 4, 4),
                "High profile: 4:2:0, 8 bits, no SPS extensions");
    }

    @Test
    void headersWithoutAPpsAreRefused() {
        MalformedConfigException e = assertThrows(MalformedConfigException.class,
                () -> AnnexB.decoderConfig(Codec.H264, Unpooled.wrappedBuffer(concat(START4, SPS))));
        assertEquals("1 SPS and 0 PPS; an H.264 configuration needs one of each (at most 31 SPS and 255 PPS)",
                e.getMessage());
    }
}
