package io.aqueduct.transcode.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.codec.AvcDecoderConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class AnnexBToAvccTest {
    // SPS of a 320x240 High profile stream (x264), PPS, as an encoder writes them
    private static final byte[] SPS = ByteBufUtil.decodeHexDump("6764000dacd94141fb0110000003001000000303c0f1429960");
    private static final byte[] PPS = ByteBufUtil.decodeHexDump("68ebe3cb22c0");

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void headersBecomeADecoderConfigurationRecordWithFourByteLengths() throws Exception {
        byte[] headers = concat(new byte[] {0, 0, 0, 1}, SPS, new byte[] {0, 0, 1}, PPS);
        byte[] record = AnnexBToAvcc.decoderConfig(headers, headers.length);
        AvcDecoderConfig config = AvcDecoderConfig.parse(record);
        assertThat(config.nalLengthSize()).isEqualTo(4);
        assertThat(config.sps()).hasSize(1);
        assertThat(config.sps().get(0)).isEqualTo(SPS);
        assertThat(config.pps().get(0)).isEqualTo(PPS);
        assertThat(config.first().width()).isEqualTo(320);
        assertThat(config.first().height()).isEqualTo(240);
        assertThat(record).endsWith(0xfd, 0xf8, 0xf8, 0); // High profile: 4:2:0, 8 bits, no SPS extensions
    }

    @Test
    void anAccessUnitKeepsItsSlicesAndLeavesOutDelimitersAndParameterSets() {
        byte[] idr = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x00, 0x02}; // ends in zeros that are not a start code
        byte[] sei = {0x06, 0x05, 0x01, (byte) 0x80}; // a NAL unit never ends in a zero byte
        byte[] au = concat(new byte[] {0, 0, 0, 1, 0x09, (byte) 0xf0}, new byte[] {0, 0, 0, 1}, SPS,
                new byte[] {0, 0, 1}, PPS, new byte[] {0, 0, 1}, sei, new byte[] {0, 0, 0, 1}, idr);
        ByteBuf out = AnnexBToAvcc.accessUnit(au, au.length, UnpooledByteBufAllocator.DEFAULT);
        try {
            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(concat(new byte[] {0, 0, 0, 4}, sei,
                    new byte[] {0, 0, 0, 6}, idr));
        } finally {
            out.release();
        }
    }

    @Test
    void headersWithoutAPpsAreRefused() {
        byte[] headers = concat(new byte[] {0, 0, 0, 1}, SPS);
        assertThatThrownBy(() -> AnnexBToAvcc.decoderConfig(headers, headers.length))
                .hasMessageContaining("1 SPS and 0 PPS");
    }
}
