package io.aqueduct.api.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class AdtsHeaderTest {

    @Test
    void aacLcStereo44100() throws Exception {
        AdtsHeader h = AdtsHeader.of(AacConfig.parse(new byte[] {0x12, 0x10}));
        assertEquals(1, h.profile());
        assertEquals(4, h.sampleRateIndex());
        assertEquals(2, h.channelConfig());
        // 371 + 7 = 378 bytes: 0b0_0001_0111_1010 over bytes 3..5
        assertEquals("fff150802f5ffc", hex(h, 371));
    }

    @Test
    void fieldsAtTheirBitPositions() throws Exception {
        AdtsHeader h = AdtsHeader.of(AacConfig.parse(new byte[] {0x11, (byte) 0x98})); // LC, 48 kHz, 3 ch
        byte[] b = ByteBufUtil.decodeHexDump(hex(h, AdtsHeader.MAX_FRAME_LENGTH));
        assertEquals(0xfff, ((b[0] & 0xff) << 4) | ((b[1] & 0xf0) >> 4), "syncword");
        assertEquals(0, b[1] & 0x08, "MPEG-4");
        assertEquals(0, b[1] & 0x06, "layer");
        assertEquals(1, b[1] & 0x01, "protection_absent");
        assertEquals(1, (b[2] & 0xc0) >> 6, "profile");
        assertEquals(3, (b[2] & 0x3c) >> 2, "sampling_frequency_index");
        assertEquals(3, ((b[2] & 0x01) << 2) | ((b[3] & 0xc0) >> 6), "channel_configuration");
        assertEquals(8191, ((b[3] & 0x03) << 11) | ((b[4] & 0xff) << 3) | ((b[5] & 0xe0) >> 5), "frame length");
        assertEquals(0x7ff, ((b[5] & 0x1f) << 6) | ((b[6] & 0xfc) >> 2), "buffer fullness");
        assertEquals(0, b[6] & 0x03, "one raw data block");
    }

    @Test
    void heAacIsSignalledAsLcAtTheCoreRate() {
        AdtsHeader h = AdtsHeader.of(new AacConfig(5, 24000, 2));
        assertEquals(1, h.profile());
        assertEquals(6, h.sampleRateIndex());
    }

    @Test
    void eightChannelsAreConfigurationSeven() {
        assertEquals(7, AdtsHeader.of(new AacConfig(2, 48000, 8)).channelConfig());
    }

    @Test
    void rejectsWhatAdtsCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> AdtsHeader.of(new AacConfig(2, 44000, 2)));
        assertThrows(IllegalArgumentException.class, () -> AdtsHeader.of(new AacConfig(42, 44100, 2)));
        AdtsHeader h = AdtsHeader.of(new AacConfig(2, 44100, 2));
        assertThrows(IllegalArgumentException.class, () -> h.write(Unpooled.buffer(), AdtsHeader.MAX_FRAME_LENGTH + 1));
    }

    @Test
    void readsBackWhatItWritesAndTheAudioSpecificConfig() throws Exception {
        for (String config : new String[] {"1210", "1190", "1398", "0a08"}) { // LC 44.1/2, LC 48/2, LC 22.05/3, Main 44.1/1
            byte[] asc = ByteBufUtil.decodeHexDump(config);
            AdtsHeader h = AdtsHeader.of(AacConfig.parse(asc));
            ByteBuf b = Unpooled.buffer();
            h.write(b, 300);
            b.writeZero(300);
            AdtsHeader.Frame f = AdtsHeader.read(b, 0);
            assertEquals(h, f.header());
            assertEquals(7, f.headerLength());
            assertEquals(300, f.dataLength());
            assertEquals(307, f.length());
            assertArrayEquals(asc, f.header().audioSpecificConfig(), config);
        }
    }

    @Test
    void readsAHeaderWithCrc() throws Exception {
        // protection_absent 0: two CRC bytes follow the 7; frame length 9 + 4
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("fff0508001bffc12340102030499"));
        AdtsHeader.Frame f = AdtsHeader.read(b, 0);
        assertEquals(9, f.headerLength());
        assertEquals(4, f.dataLength());
    }

    @Test
    void refusesWhatIsNotAnAdtsFrame() {
        ByteBuf lc = Unpooled.buffer();
        AdtsHeader.of(new AacConfig(2, 44100, 2)).write(lc, 10);
        lc.writeZero(9); // one byte short of the frame
        MalformedConfigException e = assertThrows(MalformedConfigException.class, () -> AdtsHeader.read(lc, 0));
        assertEquals("ADTS frame length 17 at offset 0 is outside 7..16", e.getMessage());
        assertThrows(MalformedConfigException.class, () -> AdtsHeader.read(Unpooled.wrappedBuffer(new byte[6]), 0));
        byte[] noSync = ByteBufUtil.decodeHexDump("fef150802f5ffc");
        assertThrows(MalformedConfigException.class, () -> AdtsHeader.read(Unpooled.wrappedBuffer(noSync), 0));
        byte[] reservedRate = ByteBufUtil.decodeHexDump("fff1748001fffc");
        assertThrows(MalformedConfigException.class, () -> AdtsHeader.read(Unpooled.wrappedBuffer(reservedRate), 0));
    }

    private static String hex(AdtsHeader h, int frameLength) {
        ByteBuf b = Unpooled.buffer(7);
        h.write(b, frameLength);
        assertEquals(7, b.readableBytes());
        return ByteBufUtil.hexDump(b);
    }
}
