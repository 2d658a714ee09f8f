package io.aqueduct.hls.internal.fmp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aqueduct.api.codec.MalformedConfigException;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HevcConfigTest {
    /** x265's SPS for 1920x1080: coded as 1920x1088 with an 8-row conformance window. */
    private static final byte[] SPS_1080P = ByteBufUtil.decodeHexDump("420101016000000300900000030000030078a003c08010e5"
            + "96566924caf0168080000003008000000f04");

    @Test
    void parsesTheFixtureRecord() throws Exception {
        HevcConfig c = HevcConfig.parse(Fmp4Fixtures.HEVC_RECORD);
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
        byte[] r = Fmp4Fixtures.HEVC_RECORD.clone();
        r[1] = (byte) 0x62; // profile space 1 (A), high tier, profile 2 (Main 10)
        r[2] = 0x20; // compatibility flag 2 only
        r[3] = 0;
        r[4] = 0;
        r[5] = 0;
        Arrays.fill(r, 6, 12, (byte) 0);
        r[7] = (byte) 0xb0; // second constraint byte, first zero: the zero before it stays, those after go
        r[12] = (byte) 153; // level 5.1
        assertEquals("hvc1.A2.4.H153.0.B0", HevcConfig.parse(r).codecString());
        r[7] = 0;
        assertEquals("hvc1.A2.4.H153", HevcConfig.parse(r).codecString());
    }

    @Test
    void pictureSizeHonoursTheConformanceWindow() throws Exception {
        assertArrayEquals(new int[] {1920, 1080}, HevcConfig.spsPictureSize(SPS_1080P));
    }

    @Test
    void recordWithoutSpsHasNoSize() throws Exception {
        byte[] header = Arrays.copyOf(Fmp4Fixtures.HEVC_RECORD, 23);
        header[22] = 0; // no arrays
        HevcConfig c = HevcConfig.parse(header);
        assertEquals(0, c.width());
        assertEquals(0, c.height());
    }

    @Test
    void malformedRecordsAreRefused() {
        assertThrows(MalformedConfigException.class, () -> HevcConfig.parse(new byte[10]));
        byte[] version0 = Fmp4Fixtures.HEVC_RECORD.clone();
        version0[0] = 0;
        assertThrows(MalformedConfigException.class, () -> HevcConfig.parse(version0));
        for (int cut = 23; cut < Fmp4Fixtures.HEVC_RECORD.length; cut += 7) {
            byte[] truncated = Arrays.copyOf(Fmp4Fixtures.HEVC_RECORD, cut);
            if (cut < 99) { // the SPS ends at 99; after it the parser has what it needs and reads no further
                assertThrows(MalformedConfigException.class, () -> HevcConfig.parse(truncated), "cut at " + cut);
            }
        }
        byte[] notSps = SPS_1080P.clone();
        notSps[0] = 0x40; // a VPS header
        assertThrows(MalformedConfigException.class, () -> HevcConfig.spsPictureSize(notSps));
        assertThrows(MalformedConfigException.class, () -> HevcConfig.spsPictureSize(Arrays.copyOf(SPS_1080P, 12)));
    }
}
