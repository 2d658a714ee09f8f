package io.aqueduct.hls.internal.ts;

import static io.aqueduct.hls.internal.ts.TsSegmentWriter.AUDIO_PID;
import static io.aqueduct.hls.internal.ts.TsSegmentWriter.PAT_PID;
import static io.aqueduct.hls.internal.ts.TsSegmentWriter.PMT_PID;
import static io.aqueduct.hls.internal.ts.TsSegmentWriter.VIDEO_PID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.codec.Crc32Mpeg2;
import io.aqueduct.api.codec.MalformedTsException;
import io.aqueduct.api.codec.PesPacket;
import io.aqueduct.api.codec.TsDemuxer;
import io.aqueduct.api.codec.TsTables;
import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TsSegmentWriterTest {
    private static final byte[] START = {0, 0, 0, 1};
    private static final byte[] AUD = {0, 0, 0, 1, 9, (byte) 0xf0};

    @Test
    void patAndPmtOpenEverySegmentWithValidCrcs() throws Exception {
        TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.VIDEO, Fixtures.AUDIO));
        Demuxed ts = mux(out -> {
            w.startSegment(out);
            w.startSegment(out);
        });
        List<Unit> pat = ts.units(PAT_PID);
        List<Unit> pmt = ts.units(PMT_PID);
        assertEquals(2, pat.size());
        assertEquals(2, pmt.size()); // and mux() checked their continuity counters
        assertEquals(Map.of(TsSegmentWriter.PROGRAM_NUMBER, PMT_PID), TsTables.programAssociation(
                Unpooled.wrappedBuffer(pat.get(1).data())));
        assertEquals(new TsTables.ProgramMap(TsSegmentWriter.PROGRAM_NUMBER, VIDEO_PID, List.of(
                new TsTables.ElementaryStream(TsTables.STREAM_TYPE_H264, VIDEO_PID),
                new TsTables.ElementaryStream(TsTables.STREAM_TYPE_AAC_ADTS, AUDIO_PID))),
                TsTables.programMap(Unpooled.wrappedBuffer(pmt.get(1).data())));
        // pointer_field 0, then the section; a CRC over a section with its CRC is 0
        byte[] patSection = section(pat.get(0).data());
        assertEquals(0x00, patSection[0]);
        assertEquals(1, ((patSection[8] & 0xff) << 8) | (patSection[9] & 0xff), "program_number");
        assertEquals(PMT_PID, ((patSection[10] & 0x1f) << 8) | (patSection[11] & 0xff));
        byte[] pmtSection = section(pmt.get(0).data());
        assertEquals(0x02, pmtSection[0]);
        assertEquals(VIDEO_PID, ((pmtSection[8] & 0x1f) << 8) | (pmtSection[9] & 0xff), "PCR_PID");
        assertEquals(0x1b, pmtSection[12]);
        assertEquals(VIDEO_PID, ((pmtSection[13] & 0x1f) << 8) | (pmtSection[14] & 0xff));
        assertEquals(0x0f, pmtSection[17]);
        assertEquals(AUDIO_PID, ((pmtSection[18] & 0x1f) << 8) | (pmtSection[19] & 0xff));
    }

    @Test
    void crcMatchesTheMpeg2CheckValue() {
        byte[] check = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(0x0376e6e7, Crc32Mpeg2.compute(check, 0, check.length));
    }

    @Test
    void everyPayloadSizeFillsWhole188BytePacketsAndRoundTrips() {
        // sizes around every boundary of the first packet (with PCR and RAI) and the following ones
        for (int size = 1; size <= 800; size++) {
            TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.VIDEO, Fixtures.AUDIO));
            byte[] nal = Fixtures.nal(0x41, size, size);
            MediaPacket v = Fixtures.video(40_000, 80_000, false, nal);
            MediaPacket a = Fixtures.audio(40_000, size);
            try {
                Demuxed ts = mux(out -> {
                    w.startSegment(out);
                    w.write(v, out);
                    w.write(a, out);
                });
                Pes video = pes(ts.units(VIDEO_PID).get(0).data());
                assertEquals(0xe0, video.streamId());
                assertEquals(0, video.packetLength(), "video PES length is unbounded");
                assertArrayEquals(Fixtures.concat(AUD, START, nal), video.payload(), "video size " + size);
                assertEquals(3600, video.dts());
                assertEquals(7200, video.pts());

                Pes audio = pes(ts.units(AUDIO_PID).get(0).data());
                assertEquals(0xc0, audio.streamId());
                assertEquals(3600, audio.pts());
                assertEquals(3600, audio.dts());
                assertEquals(7 + size, audio.payload().length, "audio size " + size);
                assertArrayEquals(ByteBufUtil.getBytes(a.content()),
                        Arrays.copyOfRange(audio.payload(), 7, audio.payload().length));
            } finally {
                v.release();
                a.release();
            }
        }
    }

    @Test
    void pcrOnVideoAndRandomAccessOnKeyframes() {
        TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.VIDEO, Fixtures.AUDIO));
        MediaPacket key = Fixtures.video(1_000_000, 1_000_000, true, Fixtures.nal(0x65, 1000, 1));
        MediaPacket delta = Fixtures.video(1_033_333, 1_100_000, false, Fixtures.nal(0x41, 100, 2));
        MediaPacket aac = Fixtures.audio(1_010_000, 300);
        try {
            Demuxed ts = mux(out -> {
                w.startSegment(out);
                w.write(key, out);
                w.write(aac, out);
                w.write(delta, out);
            });
            List<Unit> video = ts.units(VIDEO_PID);
            assertTrue(video.get(0).randomAccess());
            assertEquals(90_000, video.get(0).pcrBase(), "PCR = DTS of the keyframe");
            assertFalse(video.get(1).randomAccess());
            assertEquals(93_000, video.get(1).pcrBase());
            assertTrue(pes(video.get(0).data()).payload().length > 1000);
            assertArrayEquals(Fixtures.concat(AUD, START, Fixtures.SPS, START, Fixtures.PPS),
                    Arrays.copyOf(pes(video.get(0).data()).payload(), 6 + 4 + 24 + 4 + 5));
            Unit audio = ts.units(AUDIO_PID).get(0);
            assertFalse(audio.hasPcr(), "the PCR is on the video PID");
            assertFalse(audio.randomAccess(), "with video, the video decides random access");
        } finally {
            key.release();
            delta.release();
            aac.release();
        }
    }

    @Test
    void audioOnlyCarriesThePcrOnTheAudioPid() {
        TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.AUDIO));
        MediaPacket aac = Fixtures.audio(2_000_000, 200);
        try {
            Demuxed ts = mux(out -> {
                w.startSegment(out);
                w.write(aac, out);
            });
            byte[] pmt = section(ts.units(PMT_PID).get(0).data());
            assertEquals(AUDIO_PID, ((pmt[8] & 0x1f) << 8) | (pmt[9] & 0xff), "PCR_PID");
            assertEquals(0x0f, pmt[12]);
            Unit audio = ts.units(AUDIO_PID).get(0);
            assertEquals(180_000, audio.pcrBase());
            assertTrue(audio.randomAccess());
        } finally {
            aac.release();
        }
    }

    @Test
    void continuityCountersRunOnAcrossSegments() {
        TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.VIDEO, Fixtures.AUDIO));
        Demuxed ts = mux(out -> {
            for (int segment = 0; segment < 5; segment++) {
                w.startSegment(out);
                for (int i = 0; i < 10; i++) {
                    long t = (segment * 10 + i) * 33_333L;
                    MediaPacket v = Fixtures.video(t, t, i == 0, Fixtures.nal(i == 0 ? 0x65 : 0x41, 500 + 97 * i, i));
                    MediaPacket a = Fixtures.audio(t, 150 + 11 * i);
                    try {
                        w.write(v, out);
                        w.write(a, out);
                    } finally {
                        v.release();
                        a.release();
                    }
                }
            }
        });
        // mux() asserts each PID's counter goes up by one, wrapping at 16
        assertEquals(50, ts.units(VIDEO_PID).size());
        assertEquals(50, ts.units(AUDIO_PID).size());
        assertTrue(ts.packetsPerPid().get(VIDEO_PID) > 16, "the video counter wrapped");
    }

    @Test
    void timestampsWrapAt33Bits() {
        TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.VIDEO));
        long wrap = (1L << 33) * 100 / 9 + 1;
        MediaPacket before = Fixtures.video(wrap - 11_112, wrap - 11_112, true, Fixtures.nal(0x65, 10, 1));
        MediaPacket after = Fixtures.video(wrap + 22_222, wrap + 55_555, false, Fixtures.nal(0x41, 10, 2));
        try {
            Demuxed ts = mux(out -> {
                w.startSegment(out);
                w.write(before, out);
                w.write(after, out);
            });
            List<Unit> video = ts.units(VIDEO_PID);
            assertEquals((1L << 33) - 1000, pes(video.get(0).data()).pts());
            assertEquals(2000, pes(video.get(1).data()).dts());
            assertEquals(5000, pes(video.get(1).data()).pts());
            assertEquals(2000, video.get(1).pcrBase());
        } finally {
            before.release();
            after.release();
        }
    }

    @Test
    void configurationChangeBringsTheNewParameterSets() throws Exception {
        TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.VIDEO));
        Track changed = Fixtures.VIDEO.toBuilder().config(Fixtures.avcRecord(1)).build();
        byte[] idr = Fixtures.nal(0x65, 20, 1);
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer().writeShort(idr.length).writeBytes(idr);
        MediaPacket p = MediaPacket.of(changed, 0, 0, true, payload);
        try {
            Demuxed ts = mux(out -> {
                w.startSegment(out);
                w.write(p, out);
            });
            assertArrayEquals(Fixtures.concat(AUD, START, Fixtures.SPS, START, Fixtures.PPS, START, idr),
                    pes(ts.units(VIDEO_PID).get(0).data()).payload());
        } finally {
            p.release();
        }
    }

    @Test
    void skipsTracksItDoesNotCarryAndRejectsMisuse() {
        Track data = Track.data(2, Codec.AMF0).build();
        TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.VIDEO, data));
        MediaPacket script = MediaPacket.of(data, 0, 0, true, ByteBufAllocator.DEFAULT.buffer().writeByte(2));
        MediaPacket aac = Fixtures.audio(0, 10);
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            assertThrows(IllegalStateException.class, () -> w.write(aac, out));
            w.startSegment(out);
            assertFalse(w.write(script, out));
            assertFalse(w.write(aac, out), "no audio track was declared");
            assertEquals(2 * 188, out.readableBytes());
        } finally {
            script.release();
            aac.release();
            out.release();
        }
        assertThrows(IllegalArgumentException.class, () -> new TsSegmentWriter(List.of(data)));
        assertThrows(IllegalArgumentException.class,
                () -> new TsSegmentWriter(List.of(Track.video(0, Codec.H265).build())));
        assertThrows(IllegalArgumentException.class, () -> new TsSegmentWriter(List.of(Fixtures.VIDEO,
                Track.video(5, Codec.H264).config(Fixtures.AVC_RECORD).build())));
    }

    @Test
    void malformedPayloadWritesNothing() {
        TsSegmentWriter w = new TsSegmentWriter(List.of(Fixtures.VIDEO));
        MediaPacket bad = MediaPacket.of(Fixtures.VIDEO, 0, 0, true,
                ByteBufAllocator.DEFAULT.buffer().writeInt(1000).writeByte(0x65));
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try {
            w.startSegment(out);
            int before = out.writerIndex();
            assertThrows(IllegalArgumentException.class, () -> w.write(bad, out));
            assertEquals(before, out.writerIndex());
        } finally {
            bad.release();
            out.release();
        }
    }

    /** One payload unit as it was carried, copied out of the demuxer's buffer. */
    record Unit(int pid, byte[] data, boolean randomAccess, long pcrBase, int packets) {
        boolean hasPcr() {
            return pcrBase >= 0;
        }
    }

    /** A PES packet, its payload copied out. */
    record Pes(int streamId, int packetLength, long pts, long dts, byte[] payload) {
    }

    record Demuxed(List<Unit> units, Map<Integer, Integer> packetsPerPid) {
        List<Unit> units(int pid) {
            return units.stream().filter(u -> u.pid() == pid).toList();
        }
    }

    /**
     * What {@code writes} wrote, read back by the API's demuxer, which must see no continuity gap and drop nothing;
     * and checked packet by packet for what this writer promises beyond the standard: adaptation fields only where
     * a unit starts (PCR, random access) or as 0xff stuffing, so every packet is exactly 188 bytes.
     */
    private static Demuxed mux(Consumer<ByteBuf> writes) {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        List<Unit> units = new ArrayList<>();
        Map<Integer, Integer> packetsPerPid = new LinkedHashMap<>();
        try (TsDemuxer demuxer = new TsDemuxer(ByteBufAllocator.DEFAULT, TsDemuxer.DEFAULT_MAX_UNIT_BYTES, u -> {
            units.add(new Unit(u.pid(), ByteBufUtil.getBytes(u.content()), u.randomAccess(), u.pcrBase(),
                    u.packets()));
            u.release();
        })) {
            writes.accept(out);
            assertEquals(0, out.readableBytes() % TsSegmentWriter.PACKET_SIZE, "a whole number of 188-byte packets");
            for (int off = 0; off < out.writerIndex(); off += TsSegmentWriter.PACKET_SIZE) {
                checkAdaptationField(out, off);
                packetsPerPid.merge(((out.getByte(off + 1) & 0x1f) << 8) | (out.getByte(off + 2) & 0xff), 1,
                        Integer::sum);
            }
            demuxer.feed(out);
            demuxer.finish();
            assertEquals(0, demuxer.continuityErrors(), "continuity counters");
            assertEquals(0, demuxer.droppedPackets(), "packets outside a unit");
            return new Demuxed(units, packetsPerPid);
        } catch (MalformedTsException e) {
            throw new AssertionError(e.getMessage(), e);
        } finally {
            out.release();
        }
    }

    private static void checkAdaptationField(ByteBuf ts, int off) {
        int afc = (ts.getByte(off + 3) >> 4) & 3;
        assertTrue(afc == 1 || afc == 3, "adaptation_field_control " + afc + " at " + off);
        boolean start = (ts.getByte(off + 1) & 0x40) != 0;
        if (afc == 3) {
            int len = ts.getUnsignedByte(off + 4);
            if (len > 0) {
                int flags = ts.getUnsignedByte(off + 5);
                assertTrue(start || flags == 0, "RAI or PCR outside the first packet of a unit at " + off);
                for (int i = off + 6 + ((flags & 0x10) != 0 ? 6 : 0); i <= off + 4 + len; i++) {
                    assertEquals(0xff, ts.getUnsignedByte(i), "stuffing byte at " + i);
                }
            }
        }
    }

    private static Pes pes(byte[] unit) {
        try {
            PesPacket p = PesPacket.parse(Unpooled.wrappedBuffer(unit));
            if (p.packetLength() != 0) {
                assertEquals(unit.length, 6 + p.packetLength(), "PES_packet_length against the bytes carried");
            }
            return new Pes(p.streamId(), p.packetLength(), p.pts(), p.dts(), ByteBufUtil.getBytes(p.payload()));
        } catch (MalformedTsException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** The PSI section after the pointer_field, checked against its CRC. */
    private static byte[] section(byte[] unit) {
        assertEquals(0, unit[0], "pointer_field");
        int length = ((unit[2] & 0x0f) << 8) | (unit[3] & 0xff);
        byte[] s = Arrays.copyOfRange(unit, 1, 4 + length);
        assertEquals(0, Crc32Mpeg2.compute(s, 0, s.length), "CRC_32");
        for (int i = 4 + length; i < unit.length; i++) {
            assertEquals(0xff, unit[i] & 0xff, "padding after the section");
        }
        return s;
    }
}
