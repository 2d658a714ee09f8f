package io.aqueduct.api.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HevcDecoderConfigTest {
    /** x265's record for 320x240 Main, level 2: VPS, SPS and PPS arrays. */
    static final byte[] HEVC_RECORD = ByteBufUtil.decodeHexDump("0101600000009000000000003cf000fcfdf8f800000f03"
            + "a00001001840010c01ffff01600000030090000003000003003c959809"
            + "a10001002a42010101600000030090000003000003003ca00a080f165959a4932bc05a020000030002000003003c10"
            + "a2000100074401c172b46240");

    /** x265's SPS for 1920x1080: coded as 1920x1088 with an 8-row conformance window. */
    private static final byte[] SPS_1080P = ByteBufUtil.decodeHexDump("420101016000000300900000030000030078a003c08010e5"
            + "96566924caf0168080000003008000000f04");

    @Test
    void parsesTheFixtureRecord() throws Exception {
        HevcDecoderConfig c = HevcDecoderConfig.parse(HEVC_RECORD);
        assertEquals(0, c.profileSpace());
        assertEquals(false, c.highTier());
        assertEquals(1, c.profileIdc());
        assertEquals(0x60000000L, c.compatibilityFlags());
        assertEquals(0x900000000000L, c.constraintFlags());
        assertEquals(60, c.levelIdc());
        assertEquals(320, c.width());
        assertEquals(240, c.height());
        // what ffprobe calls Main, level 60 (2.0)
        assertEquals("hvc1.1.6.L60.90", c.codecString());
    }

    @Test
    void codecStringFollowsIso14496Part15AnnexE() throws Exception {
        byte[] r = HEVC_RECORD.clone();
        r[1] = (byte) 0x62; // profile space 1 (A), high tier, profile 2 (Main 10)
        r[2] = 0x20; // compatibility flag 2 only
        r[3] = 0;
        r[4] = 0;
        r[5] = 0;
        Arrays.fill(r, 6, 12, (byte) 0);
        r[7] = (byte) 0xb0; // second constraint byte, first zero: the zero before it stays, those after go
        r[12] = (byte) 153; // level 5.1
        assertEquals("hvc1.A2.4.H153.0.B0", HevcDecoderConfig.parse(r).codecString());
        r[7] = 0;
        assertEquals("hvc1.A2.4.H153", HevcDecoderConfig.parse(r).codecString());
    }

    @Test
    void pictureSizeHonoursTheConformanceWindow() throws Exception {
        H265Sps sps = H265Sps.parse(SPS_1080P);
        assertEquals(1920, sps.width());
        assertEquals(1080, sps.height());
        assertEquals(1, sps.chromaFormat());
        assertEquals(8, sps.bitDepthLuma());
    }

    @Test
    void buildsTheSameRecordX265WroteFromItsParameterSets() throws Exception {
        HevcDecoderConfig c = HevcDecoderConfig.parse(HEVC_RECORD);
        assertEquals(4, c.nalLengthSize());
        assertEquals(1, c.vps().size());
        assertEquals(1, c.sps().size());
        assertEquals(1, c.pps().size());
        assertArrayEquals(HEVC_RECORD, HevcDecoderConfig.build(c.vps(), c.sps(), c.pps()));
        MalformedConfigException e = assertThrows(MalformedConfigException.class,
                () -> HevcDecoderConfig.build(List.of(), c.sps(), c.pps()));
        assertEquals("0 VPS, 1 SPS and 1 PPS; an H.265 configuration needs one of each", e.getMessage());
    }

    @Test
    void recordWithoutSpsHasNoSize() throws Exception {
        byte[] header = Arrays.copyOf(HEVC_RECORD, 23);
        header[22] = 0; // no arrays
        HevcDecoderConfig c = HevcDecoderConfig.parse(header);
        assertEquals(0, c.width());
        assertEquals(0, c.height());
    }

    @Test
    void malformedRecordsAreRefused() {
        assertThrows(MalformedConfigException.class, () -> HevcDecoderConfig.parse(new byte[10]));
        byte[] version0 = HEVC_RECORD.clone();
        version0[0] = 0;
        assertThrows(MalformedConfigException.class, () -> HevcDecoderConfig.parse(version0));
        for (int cut = 23; cut < HEVC_RECORD.length; cut += 7) {
            byte[] truncated = Arrays.copyOf(HEVC_RECORD, cut);
            if (cut < 99) { // the SPS ends at 99; after it the parser has what it needs and reads no further
                assertThrows(MalformedConfigException.class, () -> HevcDecoderConfig.parse(truncated), "cut at " + cut);
            }
        }
        byte[] notSps = SPS_1080P.clone();
        notSps[0] = 0x40; // a VPS header
        assertThrows(MalformedConfigException.class, () -> H265Sps.parse(notSps));
        assertThrows(MalformedConfigException.class, () -> H265Sps.parse(Arrays.copyOf(SPS_1080P, 12)));
    }
}
