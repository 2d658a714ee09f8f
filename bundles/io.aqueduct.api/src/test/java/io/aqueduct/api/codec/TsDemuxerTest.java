package io.aqueduct.api.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.media.Codec;
import io.aqueduct.testing.FuzzInput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The demuxer on a real transport stream, made with ffmpeg 5.1 (Debian) by
 * {@code ffmpeg -f lavfi -i testsrc=size=64x48:rate=10 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 1
 * -pix_fmt yuv420p -c:v libx264 -g 5 -bf 2 -profile:v high -c:a aac -b:a 32k -ac 1 -f mpegts}: whole, split at
 * every size, and corrupted; and on packets made by hand for each error it names.
 */
class TsDemuxerTest {
    private static final int VIDEO_PID = 0x100;
    private static final int AUDIO_PID = 0x101;

    static byte[] ffmpegTs() throws IOException {
        try (InputStream in = TsDemuxerTest.class.getResourceAsStream("ffmpeg-h264-aac.ts")) {
            return in.readAllBytes();
        }
    }

    /** Demuxes {@code ts} fed in pieces of {@code piece} bytes; the units as PID:hex, each released. */
    private static List<String> demux(byte[] ts, int piece) throws MalformedTsException {
        List<String> out = new ArrayList<>();
        try (TsDemuxer d = new TsDemuxer(ByteBufAllocator.DEFAULT, TsDemuxer.DEFAULT_MAX_UNIT_BYTES, u -> {
            out.add(u.pid() + ":" + u.randomAccess() + ":" + u.pcrBase() + ":" + ByteBufUtil.hexDump(u.content()));
            u.release();
        })) {
            for (int at = 0; at < ts.length; at += piece) {
                ByteBuf b = Unpooled.wrappedBuffer(ts, at, Math.min(piece, ts.length - at));
                d.feed(b);
                assertEquals(0, b.readableBytes(), "the demuxer reads every byte it is given");
            }
            d.finish();
            assertEquals(0, d.continuityErrors());
            assertEquals(0, d.droppedPackets());
        }
        return out;
    }

    @Test
    void readsFfmpegsStreamIntoTablesH264AndAac() throws Exception {
        List<TsPayloadUnit> units = new ArrayList<>();
        try (TsDemuxer d = new TsDemuxer(ByteBufAllocator.DEFAULT, TsDemuxer.DEFAULT_MAX_UNIT_BYTES, units::add)) {
            d.feed(Unpooled.wrappedBuffer(ffmpegTs()));
            d.finish();
        }
        try {
            TsPayloadUnit pat = units.stream().filter(u -> u.pid() == TsTables.PAT_PID).findFirst().orElseThrow();
            Map<Integer, Integer> programs = TsTables.programAssociation(pat.content());
            assertEquals(Map.of(1, 0x1000), programs);
            TsPayloadUnit pmt = units.stream().filter(u -> u.pid() == 0x1000).findFirst().orElseThrow();
            TsTables.ProgramMap map = TsTables.programMap(pmt.content());
            assertEquals(new TsTables.ProgramMap(1, VIDEO_PID, List.of(
                    new TsTables.ElementaryStream(TsTables.STREAM_TYPE_H264, VIDEO_PID),
                    new TsTables.ElementaryStream(TsTables.STREAM_TYPE_AAC_ADTS, AUDIO_PID))), map);

            List<TsPayloadUnit> video = units.stream().filter(u -> u.pid() == VIDEO_PID).toList();
            assertEquals(10, video.size(), "ten frames");
            assertTrue(video.get(0).randomAccess());
            assertTrue(video.get(0).hasPcr());
            PesPacket first = PesPacket.parse(video.get(0).content());
            assertEquals(0xe0, first.streamId());
            assertTrue(first.dts() >= 0 && first.pts() >= first.dts());
            AvcDecoderConfig config = AvcDecoderConfig.parse(AnnexB.decoderConfig(Codec.H264, first.payload()));
            assertEquals(64, config.first().width());
            assertEquals(48, config.first().height());
            assertEquals("avc1.64000a", config.first().codecString());
            long previousDts = -1;
            for (TsPayloadUnit u : video) {
                PesPacket pes = PesPacket.parse(u.content());
                assertTrue(pes.dts() > previousDts, "decoding order");
                previousDts = pes.dts();
                ByteBuf au = AnnexB.toLengthPrefixed(Codec.H264, pes.payload(), ByteBufAllocator.DEFAULT);
                try {
                    assertTrue(NalUnits.countLengthPrefixed(au, 4) >= 1);
                } finally {
                    au.release();
                }
            }

            int frames = 0;
            for (TsPayloadUnit u : units.stream().filter(u -> u.pid() == AUDIO_PID).toList()) {
                PesPacket pes = PesPacket.parse(u.content());
                assertEquals(0xc0, pes.streamId());
                ByteBuf payload = pes.payload();
                for (int at = payload.readerIndex(); at < payload.writerIndex(); frames++) {
                    AdtsHeader.Frame f = AdtsHeader.read(payload, at);
                    AacConfig aac = AacConfig.parse(f.header().audioSpecificConfig());
                    assertEquals(44100, aac.sampleRate());
                    assertEquals(1, aac.channels());
                    at += f.length();
                }
            }
            assertEquals(45, frames, "what ffprobe counts");
        } finally {
            units.forEach(TsPayloadUnit::release);
        }
    }

    @Test
    void anySplitOfTheInputGivesTheSameUnits() throws Exception {
        byte[] ts = ffmpegTs();
        List<String> whole = demux(ts, ts.length);
        assertTrue(whole.size() >= 30, "tables, 10 video and the audio units: " + whole.size());
        for (int piece : new int[] {1, 2, 7, 100, 187, 188, 189, 376, 1000, 4096}) {
            assertEquals(whole, demux(ts, piece), "pieces of " + piece);
        }
    }

    @Test
    void corruptInputIsAMalformedTsExceptionOrDamageCountedNeverAnotherException() throws Exception {
        byte[] valid = ffmpegTs();
        Random random = new Random(20261208);
        int refused = 0;
        for (int round = 0; round < 1500; round++) {
            byte[] input = round % 10 == 0 ? FuzzInput.randomBytes(random, random.nextInt(3000))
                    : FuzzInput.mutate(random, valid.clone(), 1);
            List<TsPayloadUnit> units = new ArrayList<>();
            TsDemuxer d = new TsDemuxer(ByteBufAllocator.DEFAULT, 64 * 1024, units::add);
            try {
                for (int at = 0; at < input.length; ) {
                    int n = Math.min(input.length - at, 1 + random.nextInt(600));
                    d.feed(Unpooled.wrappedBuffer(input, at, n));
                    at += n;
                }
                d.finish();
            } catch (MalformedTsException e) {
                refused++;
                assertTrue(e.getMessage().contains("offset") || e.getMessage().contains("bytes"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> d.feed(Unpooled.buffer(1)));
            } finally {
                d.close();
            }
            for (TsPayloadUnit u : units) {
                try {
                    if (u.pid() == 0) {
                        TsTables.programAssociation(u.content());
                    } else if (u.pid() == 0x1000) {
                        TsTables.programMap(u.content());
                    } else if (u.pid() == AUDIO_PID) {
                        ByteBuf p = PesPacket.parse(u.content()).payload();
                        for (int at = p.readerIndex(); at < p.writerIndex(); ) {
                            at += AdtsHeader.read(p, at).length();
                        }
                    } else if (u.pid() == VIDEO_PID) {
                        PesPacket.parse(u.content());
                    }
                } catch (MalformedTsException | MalformedConfigException e) {
                    // a clear refusal of a damaged unit
                } finally {
                    u.release();
                }
            }
        }
        assertTrue(refused > 100, "most random input is refused, got " + refused);
    }

    @Test
    void namesEachBreakOfTheFormat() {
        assertEquals("sync byte 0x48 at offset 188, expected 0x47", refusal(packet(0x100, true, 0, new byte[0]),
                withByte(packet(0x100, false, 1, new byte[0]), 0, 0x48)));
        assertEquals("adaptation_field_control 0 (reserved) in the packet at offset 0",
                refusal(withByte(packet(0x100, true, 0, new byte[0]), 3, 0x00)));
        assertEquals("adaptation field of 183 bytes in the packet at offset 0 (at most 182)",
                refusal(withByte(withByte(packet(0x100, true, 0, new byte[0]), 3, 0x30), 4, 183)));
        assertEquals("adaptation field of 1 bytes has no room for its PCR, in the packet at offset 0",
                refusal(withByte(withByte(withByte(packet(0x100, true, 0, new byte[0]), 3, 0x30), 4, 1), 5, 0x10)));
        byte[] pusi = packet(0x100, true, 0, new byte[0]);
        assertEquals("payload unit of PID 256 exceeds 400 bytes at offset 376", refusalWithLimit(400, pusi,
                packet(0x100, false, 1, new byte[0]), packet(0x100, false, 2, new byte[0])));
    }

    @Test
    void aStreamThatEndsInsideAPacketIsRefusedAtTheEnd() throws Exception {
        List<TsPayloadUnit> units = new ArrayList<>();
        TsDemuxer d = new TsDemuxer(ByteBufAllocator.DEFAULT, 4096, units::add);
        byte[] one = packet(0x100, true, 0, new byte[] {1, 2, 3});
        d.feed(Unpooled.wrappedBuffer(one));
        d.feed(Unpooled.wrappedBuffer(one, 0, 100));
        MalformedTsException e = assertThrows(MalformedTsException.class, d::finish);
        assertEquals("stream ends inside a packet: 100 of 188 bytes at offset 188", e.getMessage());
        assertEquals(1, units.size(), "the complete unit first");
        units.forEach(TsPayloadUnit::release);
        assertThrows(IllegalStateException.class, () -> d.feed(Unpooled.wrappedBuffer(one)));
    }

    @Test
    void countsAndDropsWhatAReceiverExpects() throws Exception {
        List<TsPayloadUnit> units = new ArrayList<>();
        try (TsDemuxer d = new TsDemuxer(ByteBufAllocator.DEFAULT, 4096, units::add)) {
            d.feed(Unpooled.wrappedBuffer(packet(0x100, false, 0, new byte[0]))); // no unit start yet
            d.feed(Unpooled.wrappedBuffer(packet(0x100, true, 1, new byte[] {1})));
            d.feed(Unpooled.wrappedBuffer(packet(0x100, false, 1, new byte[] {1}))); // a duplicate
            d.feed(Unpooled.wrappedBuffer(packet(0x100, false, 2, new byte[] {2})));
            d.feed(Unpooled.wrappedBuffer(packet(0x100, false, 4, new byte[] {4}))); // a gap: the unit is lost
            d.feed(Unpooled.wrappedBuffer(withByte(packet(0x100, false, 5, new byte[0]), 1, 0x81))); // TEI
            d.feed(Unpooled.wrappedBuffer(packet(0x100, true, 5, new byte[] {6})));
            d.feed(Unpooled.wrappedBuffer(packet(TsDemuxer.NULL_PID, true, 0, new byte[0])));
            d.finish();
            assertEquals(1, d.continuityErrors());
            assertEquals(3, d.droppedPackets());
        }
        try {
            assertEquals(1, units.size());
            assertEquals(1, units.get(0).packets());
            assertEquals(6, units.get(0).content().getByte(0));
        } finally {
            units.forEach(TsPayloadUnit::release);
        }
    }

    @Test
    void pesHeadersAreChecked() throws Exception {
        // PTS 7200 and DTS 3600, then two payload bytes
        byte[] pes = ByteBufUtil.decodeHexDump("000001e0000f84c00a31000138411100011c210102");
        PesPacket p = PesPacket.parse(Unpooled.wrappedBuffer(pes));
        assertEquals(7200, p.pts());
        assertEquals(3600, p.dts());
        assertEquals(15, p.packetLength());
        assertArrayEquals(new byte[] {1, 2}, ByteBufUtil.getBytes(p.payload()));
        assertEquals("PES_packet_length 16 but the unit carries 15 bytes after the length",
                pesRefusal(withByte(pes, 5, 16)));
        assertEquals("PTS_DTS_flags '01' is forbidden", pesRefusal(withByte(pes, 7, 0x40)));
        assertEquals("PES_header_data_length 13 overruns the packet", pesRefusal(withByte(pes, 8, 13)));
        assertEquals("a marker bit of a PES timestamp is 0", pesRefusal(withByte(pes, 9, 0x30)));
        assertEquals("PES_header_data_length 5 is too short for its PTS and DTS", pesRefusal(withByte(pes, 8, 5)));
        assertFalse(pesRefusal(new byte[] {0, 0, 2, 0, 0, 0}).isEmpty());
    }

    @Test
    void tablesAreCheckedAgainstTheirCrc() throws Exception {
        List<TsPayloadUnit> units = new ArrayList<>();
        try (TsDemuxer d = new TsDemuxer(ByteBufAllocator.DEFAULT, 4096, units::add)) {
            d.feed(Unpooled.wrappedBuffer(ffmpegTs(), 0, 3 * 188)); // SDT, PAT, PMT
            d.finish();
        }
        units.stream().filter(u -> u.pid() != TsTables.PAT_PID).forEach(TsPayloadUnit::release);
        ByteBuf pat = units.stream().filter(u -> u.pid() == TsTables.PAT_PID).findFirst().orElseThrow().content();
        try {
            assertEquals(Map.of(1, 0x1000), TsTables.programAssociation(pat));
            pat.setByte(pat.readerIndex() + 10, pat.getByte(pat.readerIndex() + 10) ^ 1);
            assertEquals("CRC_32 of table 0x0 does not match",
                    assertThrows(MalformedTsException.class, () -> TsTables.programAssociation(pat)).getMessage());
            assertThrows(MalformedTsException.class, () -> TsTables.programMap(pat), "a PAT is not a PMT");
        } finally {
            pat.release();
        }
    }

    /** A TS packet with {@code payload} then 0xff padding in the payload (no adaptation field). */
    static byte[] packet(int pid, boolean unitStart, int cc, byte[] payload) {
        byte[] p = new byte[188];
        java.util.Arrays.fill(p, (byte) 0xff);
        p[0] = 0x47;
        p[1] = (byte) ((unitStart ? 0x40 : 0) | pid >> 8);
        p[2] = (byte) pid;
        p[3] = (byte) (0x10 | cc);
        System.arraycopy(payload, 0, p, 4, payload.length);
        return p;
    }

    private static byte[] withByte(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static String refusal(byte[]... packets) {
        return refusalWithLimit(4096, packets);
    }

    private static String refusalWithLimit(int limit, byte[]... packets) {
        List<TsPayloadUnit> units = new ArrayList<>();
        TsDemuxer d = new TsDemuxer(ByteBufAllocator.DEFAULT, limit, units::add);
        try {
            for (byte[] p : packets) {
                d.feed(Unpooled.wrappedBuffer(p));
            }
            d.finish();
            return "";
        } catch (MalformedTsException e) {
            return e.getMessage();
        } finally {
            d.close();
            units.forEach(TsPayloadUnit::release);
        }
    }

    private static String pesRefusal(byte[] pes) {
        try {
            PesPacket.parse(Unpooled.wrappedBuffer(pes));
            return "";
        } catch (MalformedTsException e) {
            return e.getMessage();
        }
    }
}
