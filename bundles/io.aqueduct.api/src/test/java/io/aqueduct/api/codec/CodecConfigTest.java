package io.aqueduct.api.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Records produced by ffmpeg 5.1 with libx264 and its aac encoder, taken from the FLV sequence headers. */
class CodecConfigTest {
    static final String AVC_720P = "0164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @ParameterizedTest
    @CsvSource({
        AVC_720P + ", 100, 31, 1280, 720, avc1.64001f",
        "0164001effe1001a6764001eacd940a02ff970110000030001000003003c0f162d9601000668ebe3cb22c0fdf8f800, 100, 30, 640, 360, avc1.64001e",
        "01640028ffe1001b67640028acd940780227e5c044000003000400000300f03c60c65801000668ebe3cb22c0fdf8f800, 100, 40, 1920, 1080, avc1.640028",
        "01640015ffe1001a67640015acd941b1fe4f0110000003001000000303c0f162d96001000668ebe3cb22c0fdf8f800, 100, 21, 426, 240, avc1.640015",
        "0142c00dffe100186742c00dd90141fb0110000003001000000303c0f142a48001000568cb83cb20, 66, 13, 320, 240, avc1.42c00d",
        "01f4001effe1001967f4001e919b281407b60220000003002000000781e2c5b2c001000668ebe3c44844fff8f800, 244, 30, 640, 480, avc1.f4001e",
    })
    void readsProfileLevelAndCroppedSizeFromRealEncoderOutput(String record, int profile, int level, int width,
            int height, String codecs) throws Exception {
        AvcDecoderConfig c = AvcDecoderConfig.parse(hex(record));
        assertEquals(4, c.nalLengthSize());
        assertEquals(1, c.sps().size());
        assertEquals(1, c.pps().size());
        assertEquals(profile, c.first().profile());
        assertEquals(level, c.first().level());
        assertEquals(width, c.first().width());
        assertEquals(height, c.first().height());
        assertEquals(codecs, c.first().codecString());
    }

    @ParameterizedTest
    @ValueSource(strings = {AVC_720P,
        "0142c00dffe100186742c00dd90141fb0110000003001000000303c0f142a48001000568cb83cb20",
        "01f4001effe1001967f4001e919b281407b60220000003002000000781e2c5b2c001000668ebe3c44844fff8f800"})
    void buildsTheRecordFfmpegWroteFromItsParameterSets(String record) throws Exception {
        AvcDecoderConfig c = AvcDecoderConfig.parse(hex(record));
        assertEquals(record, HexFormat.of().formatHex(AvcDecoderConfig.build(c.sps(), c.pps())));
    }

    @Test
    void readsChromaFormatAndBitDepth() throws Exception {
        H264Sps high444 = AvcDecoderConfig.parse(hex("01f4001effe1001967f4001e919b281407b60220000003002000000781e2c5b2c0"
                + "01000668ebe3c44844fff8f800")).first();
        assertEquals(3, high444.chromaFormat());
        assertEquals(8, high444.bitDepthLuma());
        assertEquals(8, high444.bitDepthChroma());
        assertEquals(new H264Sps(66, 0xc0, 13, 320, 240, 1, 8, 8), new H264Sps(66, 0xc0, 13, 320, 240),
                "the 1.1 constructor: 8-bit 4:2:0");
        assertThrows(MalformedConfigException.class, () -> AvcDecoderConfig.build(java.util.List.of(),
                java.util.List.of(hex("68ebe3cb22c0"))));
    }

    @Test
    void everyTruncationOfARecordIsAClearErrorNeverAnotherException() {
        byte[] record = hex(AVC_720P);
        for (int n = 0; n < record.length - 8; n++) { // the tail is the PPS, which the record only carries
            byte[] cut = Arrays.copyOf(record, n);
            assertThrows(MalformedConfigException.class, () -> AvcDecoderConfig.parse(cut), "truncated to " + n);
        }
    }

    @Test
    void refusesLengthsThatOverrunTheRecord() {
        byte[] record = hex(AVC_720P);
        record[7] = (byte) 0xff; // SPS length 0x00ff, longer than the record
        MalformedConfigException e = assertThrows(MalformedConfigException.class, () -> AvcDecoderConfig.parse(record));
        assertEquals("SPS 0 of 255 bytes overruns the record", e.getMessage());
        assertThrows(MalformedConfigException.class, () -> AvcDecoderConfig.parse(hex("02640015ff")));
        assertThrows(MalformedConfigException.class, () -> H264Sps.parse(hex("68ebe3cb22c0")), "a PPS is not an SPS");
    }

    @Test
    void removesEmulationPreventionBytes() {
        assertEquals("0000010000", HexFormat.of().formatHex(Rbsp.unescape(hex("000003010000"), 0, 6)));
    }

    @ParameterizedTest
    @CsvSource({"121056e500, 2, 44100, 2", "118856e500, 2, 48000, 1", "1310, 2, 24000, 2", "2b10, 5, 24000, 2"})
    void readsAudioSpecificConfig(String config, int objectType, int rate, int channels) throws Exception {
        AacConfig c = AacConfig.parse(hex(config));
        assertEquals(objectType, c.objectType());
        assertEquals(rate, c.sampleRate());
        assertEquals(channels, c.channels());
        assertEquals("mp4a.40." + objectType, c.codecString());
    }

    @Test
    void findsTheSamplingFrequencyIndexOfARate() {
        assertEquals(3, AacConfig.sampleRateIndex(48000));
        assertEquals(4, AacConfig.sampleRateIndex(44100));
        assertEquals(12, AacConfig.sampleRateIndex(7350));
        assertEquals(-1, AacConfig.sampleRateIndex(44000), "a rate without an index");
    }

    @Test
    void refusesBadAudioSpecificConfig() {
        assertThrows(MalformedConfigException.class, () -> AacConfig.parse(hex("12")));
        assertThrows(MalformedConfigException.class, () -> AacConfig.parse(hex("0010")), "object type 0");
        assertThrows(MalformedConfigException.class, () -> AacConfig.parse(hex("16b0")), "reserved rate index 13");
    }
}
