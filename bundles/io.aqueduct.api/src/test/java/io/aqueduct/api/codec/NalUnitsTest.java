package io.aqueduct.api.codec;

import static io.aqueduct.api.codec.AnnexBWriterTest.lengthPrefixed;
import static io.aqueduct.api.codec.AnnexBWriterTest.nal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.media.Codec;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an RTP packetizer (RFC 6184) needs: the NAL units of an access unit in place, and their types. */
class NalUnitsTest {

    @Test
    void visitsEachNalUnitInPlaceWithoutCopying() throws Exception {
        AvcDecoderConfig config = AvcDecoderConfig.parse(AnnexBWriterTest.AVC_RECORD);
        byte[] sps = config.sps().get(0);
        byte[] pps = config.pps().get(0);
        byte[] idr = nal(0x65, 3000, 1);
        ByteBuf au = lengthPrefixed(sps, pps, new byte[0], idr);
        try {
            List<int[]> seen = new ArrayList<>();
            NalUnits.forEachLengthPrefixed(au, config.nalLengthSize(), (buf, index, length) -> {
                assertSame(au, buf, "positions in the caller's buffer");
                seen.add(new int[] {index, length, NalUnits.type(Codec.H264, buf.getByte(index))});
            });
            assertEquals(3, seen.size(), "the empty NAL unit is skipped");
            assertEquals(4, seen.get(0)[0]);
            assertEquals(sps.length, seen.get(0)[1]);
            assertEquals(NalUnits.H264_SPS, seen.get(0)[2]);
            assertEquals(NalUnits.H264_PPS, seen.get(1)[2]);
            assertEquals(NalUnits.H264_IDR, seen.get(2)[2]);
            assertEquals(3000, seen.get(2)[1]);
            assertTrue(NalUnits.isParameterSet(Codec.H264, seen.get(0)[2]));
            assertEquals(3, NalUnits.countLengthPrefixed(au, 4));
            assertEquals(0, au.readerIndex());
        } finally {
            au.release();
        }
    }

    @Test
    void aMalformedAccessUnitIsRefusedBeforeAnyVisit() {
        ByteBuf au = lengthPrefixed(nal(0x41, 10, 1));
        au.writeInt(50).writeByte(0x41); // the second NAL unit says 50 bytes, has 1
        try {
            List<Integer> visited = new ArrayList<>();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NalUnits.forEachLengthPrefixed(au, 4, (b, i, l) -> visited.add(i)));
            assertEquals("NAL unit of 50 bytes at offset 18 overruns the access unit (1 left)", e.getMessage());
            assertEquals(List.of(), visited);
            assertThrows(IllegalArgumentException.class, () -> NalUnits.forEachLengthPrefixed(au, 3, (b, i, l) -> { }));
        } finally {
            au.release();
        }
    }

    @Test
    void typesOfBothCodecs() {
        assertEquals(NalUnits.H265_SPS, NalUnits.type(Codec.H265, 0x42));
        assertEquals(NalUnits.H265_AUD, NalUnits.type(Codec.H265, 0x46));
        assertTrue(NalUnits.isParameterSet(Codec.H265, NalUnits.H265_VPS));
        assertTrue(NalUnits.isAccessUnitDelimiter(Codec.H264, NalUnits.H264_AUD));
        assertThrows(IllegalArgumentException.class, () -> NalUnits.type(Codec.AAC, 0));
    }
}
