package io.aqueduct.hls.internal.fmp4;

import static io.aqueduct.hls.internal.fmp4.Fmp4Fixtures.AUDIO;
import static io.aqueduct.hls.internal.fmp4.Fmp4Fixtures.HEVC;
import static io.aqueduct.hls.internal.fmp4.Fmp4Fixtures.VIDEO;
import static io.aqueduct.hls.internal.fmp4.Fmp4Fixtures.audio;
import static io.aqueduct.hls.internal.fmp4.Fmp4Fixtures.video;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Fmp4MuxerTest {
    private static final int SYNC = 0x02000000;
    private static final int NON_SYNC = 0x01010000;

    /** Packets made by a test, released after it. */
    private final List<MediaPacket> packets = new ArrayList<>();

    @AfterEach
    void releasePackets() {
        packets.forEach(p -> assertEquals(1, p.refCnt(), "the muxer must neither retain nor release " + p));
        Fmp4Fixtures.release(packets);
    }

    private MediaPacket keep(MediaPacket p) {
        packets.add(p);
        return p;
    }

    // ---- init segment

    @Test
    void initSegmentDescribesVideoAndAudio() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO, AUDIO, Fmp4Fixtures.DATA));
        List<Mp4Box> boxes = Mp4Box.parse(muxer.initSegment());
        assertEquals(List.of("ftyp", "moov"), boxes.stream().map(b -> b.type).toList());

        ByteBuffer ftyp = boxes.get(0).body();
        assertEquals("iso6", Mp4Box.fourcc(ftyp));
        assertEquals(0, ftyp.getInt());
        assertEquals("iso6", Mp4Box.fourcc(ftyp));
        assertEquals("mp41", Mp4Box.fourcc(ftyp));

        Mp4Box moov = boxes.get(1);
        assertEquals(List.of("mvhd", "trak", "trak", "mvex"), moov.childTypes());
        Mp4Box mvhd = moov.child("mvhd");
        assertEquals(0, mvhd.version(), "live init: version 0, no duration");
        ByteBuffer mvhdFields = mvhd.fields();
        assertEquals(1000, mvhdFields.getInt(8), "movie timescale");
        assertEquals(0, mvhdFields.getInt(12), "duration");
        assertEquals(3, mvhdFields.getInt(mvhd.size - 12 - 4), "next_track_ID");

        Mp4Box videoTrak = moov.all("trak").get(0);
        Mp4Box audioTrak = moov.all("trak").get(1);
        assertEquals(1, videoTrak.child("tkhd").fields().getInt(8), "video track ID");
        assertEquals(2, audioTrak.child("tkhd").fields().getInt(8), "audio track ID");
        ByteBuffer tkhd = videoTrak.child("tkhd").fields();
        assertEquals(320 << 16, tkhd.getInt(tkhd.limit() - 8), "tkhd width 16.16");
        assertEquals(240 << 16, tkhd.getInt(tkhd.limit() - 4), "tkhd height 16.16");
        assertEquals(0x0100, audioTrak.child("tkhd").fields().getShort(32) & 0xffff, "audio volume");

        assertEquals(90000, videoTrak.child("mdia/mdhd").fields().getInt(8), "video timescale");
        assertEquals(44100, audioTrak.child("mdia/mdhd").fields().getInt(8), "audio timescale");
        assertEquals("vide", handler(videoTrak));
        assertEquals("soun", handler(audioTrak));
        assertTrue(videoTrak.child("mdia/minf").has("vmhd"));
        assertTrue(audioTrak.child("mdia/minf").has("smhd"));
        assertEquals(1, videoTrak.child("mdia/minf/dinf/dref/url ").flags(), "media in this file");

        Mp4Box stbl = videoTrak.child("mdia/minf/stbl");
        assertEquals(List.of("stsd", "stts", "stsc", "stsz", "stco"), stbl.childTypes());
        for (String table : List.of("stts", "stsc", "stco")) {
            assertEquals(0, stbl.child(table).fields().getInt(0), table + " entry_count");
        }
        assertEquals(0, stbl.child("stsz").fields().getInt(4), "stsz sample_count");
        assertEquals(1, stbl.child("stsd").fields().getInt(0), "one sample entry");

        Mp4Box avc1 = stbl.child("stsd/avc1");
        ByteBuffer entry = avc1.body();
        assertEquals(1, entry.getShort(6), "data_reference_index");
        assertEquals(320, entry.getShort(24));
        assertEquals(240, entry.getShort(26));
        assertArrayEquals(Fmp4Fixtures.AVC_RECORD, avc1.child("avcC").bodyBytes());

        Mp4Box mp4a = audioTrak.child("mdia/minf/stbl/stsd/mp4a");
        ByteBuffer audioEntry = mp4a.body();
        assertEquals(2, audioEntry.getShort(16), "channelcount");
        assertEquals(16, audioEntry.getShort(18), "samplesize");
        assertEquals(44100L << 16, audioEntry.getInt(24) & 0xffffffffL, "samplerate 16.16");
        assertArrayEquals(Fmp4Fixtures.AAC_CONFIG, decoderSpecificInfo(mp4a.child("esds")));

        Mp4Box mvex = moov.child("mvex");
        assertEquals(List.of("trex", "trex"), mvex.childTypes(), "no mehd in a live init segment");
        assertEquals(1, mvex.all("trex").get(0).fields().getInt(0));
        assertEquals(2, mvex.all("trex").get(1).fields().getInt(0));
        assertEquals(1, mvex.all("trex").get(1).fields().getInt(4), "default_sample_description_index");
    }

    @Test
    void codecsStringListsVideoThenAudio() {
        assertEquals("avc1.42c00d,mp4a.40.2", new Fmp4Muxer(List.of(AUDIO, VIDEO)).codecs());
        assertEquals("avc1.42c00d", new Fmp4Muxer(List.of(VIDEO)).codecs());
        assertEquals("mp4a.40.2", new Fmp4Muxer(List.of(AUDIO)).codecs());
        assertEquals("hvc1.1.6.L60.90,mp4a.40.2", new Fmp4Muxer(List.of(HEVC, AUDIO)).codecs());
    }

    @Test
    void audioOnlyStreamHasTrackOne() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(AUDIO));
        Mp4Box moov = Mp4Box.first(Mp4Box.parse(muxer.initSegment()), "moov");
        assertEquals(1, moov.all("trak").size());
        assertEquals(1, moov.child("trak/tkhd").fields().getInt(8));
        assertEquals(2, moov.child("mvhd").fields().getInt(moov.child("mvhd").size - 16), "next_track_ID");

        List<MediaPacket> in = List.of(keep(audio(0, 300)), keep(audio(23_220, 310)), keep(audio(46_440, 320)));
        Mp4Box moof = Mp4Box.first(Mp4Box.parse(muxer.fragment(1, in, -1)), "moof");
        assertEquals(1, moof.all("traf").size());
        assertEquals(1, moof.child("traf/tfhd").fields().getInt(0));
        Mp4Box.Trun trun = moof.child("traf/trun").trun();
        assertEquals(0, trun.flags() & 0x800, "audio has no composition offsets");
        // 23 220 µs at 44.1 kHz is 1024.002 ticks: 1024 each, then one AAC frame for the last
        assertEquals(List.of(1024L, 1024L, 1024L), trun.samples().stream().map(Mp4Box.Sample::duration).toList());
        assertTrue(trun.samples().stream().allMatch(s -> s.flags() == SYNC));
    }

    @Test
    void hevcTrackGetsHvc1WithItsRecordAndTheSizeFromTheSps() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(HEVC));
        Mp4Box trak = Mp4Box.first(Mp4Box.parse(muxer.initSegment()), "moov").child("trak");
        Mp4Box hvc1 = trak.child("mdia/minf/stbl/stsd/hvc1");
        assertArrayEquals(Fmp4Fixtures.HEVC_RECORD, hvc1.child("hvcC").bodyBytes());
        assertEquals(320, hvc1.body().getShort(24));
        assertEquals(240, hvc1.body().getShort(26));
        ByteBuffer tkhd = trak.child("tkhd").fields();
        assertEquals(320 << 16, tkhd.getInt(tkhd.limit() - 8));
        assertEquals(90000, trak.child("mdia/mdhd").fields().getInt(8));
        assertEquals("hvc1.1.6.L60.90", muxer.codecs());

        List<MediaPacket> in = List.of(keep(video(HEVC, 0, 0, true, 500)),
                keep(video(HEVC, 33_333, 33_333, false, 90)));
        Fragment fragment = muxer.muxFragment(1, in, 66_667);
        assertSamplesAt(fragment.bytes(), 0, in);
        Mp4Box.Trun trun = Mp4Box.first(Mp4Box.parse(fragment.bytes()), "moof").child("traf/trun").trun();
        assertEquals(List.of(3000L, 3000L), trun.samples().stream().map(Mp4Box.Sample::duration).toList());
        assertEquals(List.of(SYNC, NON_SYNC), trun.samples().stream().map(Mp4Box.Sample::flags).toList());
    }

    // ---- fragments

    @Test
    void fragmentOfInterleavedVideoAndAudio() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO, AUDIO));
        List<MediaPacket> in = List.of(
                keep(video(1_000_000, 1_000_000, true, 1200)),
                keep(audio(1_000_000, 200)),
                keep(Fmp4Fixtures.data(1_010_000)),
                keep(audio(1_023_220, 210)),
                keep(video(1_033_333, 1_033_333, false, 300)),
                keep(audio(1_046_440, 220)),
                keep(video(1_066_667, 1_066_667, false, 310)));
        Fragment fragment = muxer.muxFragment(7, in, 1_100_000);
        byte[] bytes = fragment.bytes();
        List<Mp4Box> boxes = Mp4Box.parse(bytes);
        assertEquals(List.of("moof", "mdat"), boxes.stream().map(b -> b.type).toList());
        Mp4Box moof = boxes.get(0);
        assertEquals(List.of("mfhd", "traf", "traf"), moof.childTypes());
        assertEquals(7, moof.child("mfhd").fields().getInt(0), "sequence_number");

        Mp4Box videoTraf = moof.all("traf").get(0);
        Mp4Box audioTraf = moof.all("traf").get(1);
        assertEquals(List.of("tfhd", "tfdt", "trun"), videoTraf.childTypes());
        assertEquals(0x020000, videoTraf.child("tfhd").flags(), "default-base-is-moof, nothing else");
        assertEquals(1, videoTraf.child("tfhd").fields().getInt(0));
        assertEquals(2, audioTraf.child("tfhd").fields().getInt(0));
        assertEquals(1, videoTraf.child("tfdt").version());
        assertEquals(90_000, videoTraf.child("tfdt").tfdt());
        assertEquals(44_100, audioTraf.child("tfdt").tfdt());

        Mp4Box.Trun video = videoTraf.child("trun").trun();
        assertEquals(1, video.version(), "signed composition offsets");
        assertEquals(0x000f01, video.flags());
        assertEquals(List.of(3000L, 3000L, 3000L), video.samples().stream().map(Mp4Box.Sample::duration).toList());
        assertEquals(List.of(1204L, 304L, 314L), video.samples().stream().map(Mp4Box.Sample::size).toList());
        assertEquals(List.of(SYNC, NON_SYNC, NON_SYNC), video.samples().stream().map(Mp4Box.Sample::flags).toList());

        Mp4Box.Trun audio = audioTraf.child("trun").trun();
        assertEquals(0x000701, audio.flags());
        assertEquals(List.of(1024L, 1024L, 1024L), audio.samples().stream().map(Mp4Box.Sample::duration).toList());
        assertEquals(List.of(200L, 210L, 220L), audio.samples().stream().map(Mp4Box.Sample::size).toList());

        // mdat holds the video samples, then the audio samples, where the data offsets say
        Mp4Box mdat = boxes.get(1);
        assertEquals(8 + 1204 + 304 + 314 + 200 + 210 + 220, mdat.size);
        assertEquals(moof.size + 8, video.dataOffset());
        assertEquals(moof.size + 8 + 1204 + 304 + 314, audio.dataOffset());
        assertSamplesAt(bytes, 0, List.of(in.get(0), in.get(4), in.get(6)));
        assertSamplesAt(bytes, 1, List.of(in.get(1), in.get(3), in.get(5)));

        assertEquals(2, fragment.runs().size());
        Fragment.TrackRun run = fragment.runs().get(0);
        assertEquals(new Fragment.TrackRun(1, 1, 90_000, 90_000, 9000, 3, true), run);
        assertEquals(99_000, run.endDecodeTime());
        assertTrue(fragment.startsWithSyncSamples());
    }

    @Test
    void bFramesGetCompositionOffsets() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO));
        // decode order I P B B, display order I B B P; pts runs 2 frames ahead of dts
        long f = 33_333;
        List<MediaPacket> in = List.of(
                keep(video(0, 2 * f, true, 100)),
                keep(video(f, 5 * f, false, 101)),
                keep(video(2 * f, 3 * f, false, 102)),
                keep(video(3 * f, 4 * f, false, 103)));
        Mp4Box.Trun trun = Mp4Box.first(Mp4Box.parse(muxer.fragment(1, in, 4 * f)), "moof")
                .child("traf/trun").trun();
        assertEquals(1, trun.version());
        assertEquals(List.of(6000, 12000, 3000, 3000), trun.samples().stream().map(Mp4Box.Sample::cts).toList());
        assertEquals(List.of(3000L, 3000L, 3000L, 3000L),
                trun.samples().stream().map(Mp4Box.Sample::duration).toList());
    }

    @Test
    void negativeCompositionOffsetsAreWrittenSigned() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO));
        List<MediaPacket> in = List.of(keep(video(100_000, 100_000, true, 100)),
                keep(video(133_333, 100_000, false, 50)));
        Mp4Box.Trun trun = Mp4Box.first(Mp4Box.parse(muxer.fragment(1, in, -1)), "moof").child("traf/trun").trun();
        assertEquals(-3000, trun.samples().get(1).cts());
    }

    @Test
    void fragmentWithOnlyOneTracksSamplesHasOneTraf() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO, AUDIO));
        List<MediaPacket> in = List.of(keep(audio(0, 100)), keep(audio(23_220, 100)));
        Fragment fragment = muxer.muxFragment(3, in, -1);
        Mp4Box moof = Mp4Box.first(Mp4Box.parse(fragment.bytes()), "moof");
        assertEquals(List.of("mfhd", "traf"), moof.childTypes());
        assertEquals(2, moof.child("traf/tfhd").fields().getInt(0), "the audio track keeps its ID");
        assertSamplesAt(fragment.bytes(), 0, in);
        assertEquals(1, fragment.runs().size());
        assertEquals(1, fragment.runs().get(0).trafNumber());
        assertEquals(2, fragment.runs().get(0).trackId());

        List<MediaPacket> videoOnly = List.of(keep(video(0, 0, false, 100)));
        Fragment part = muxer.muxFragment(4, videoOnly, 33_333);
        assertFalse(part.startsWithSyncSamples(), "a part that starts with a non-keyframe is not independent");
    }

    @Test
    void timestampsBeyond33BitsAt90KhzReachTfdtWhole() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO, AUDIO));
        long hundredHours = 100L * 3600 * 1_000_000; // 32.4e9 ticks at 90 kHz, far above 2^33
        List<MediaPacket> in = List.of(
                keep(video(hundredHours, hundredHours + 66_667, true, 100)),
                keep(audio(hundredHours, 100)),
                keep(video(hundredHours + 33_333, hundredHours + 33_333, false, 100)));
        Mp4Box moof = Mp4Box.first(Mp4Box.parse(muxer.fragment(1, in, hundredHours + 66_667)), "moof");
        assertEquals(32_400_000_000L, moof.all("traf").get(0).child("tfdt").tfdt());
        assertTrue(32_400_000_000L > 1L << 33);
        assertEquals(100L * 3600 * 44_100, moof.all("traf").get(1).child("tfdt").tfdt());
        Mp4Box.Trun trun = moof.all("traf").get(0).child("trun").trun();
        assertEquals(List.of(3000L, 3000L), trun.samples().stream().map(Mp4Box.Sample::duration).toList());
        assertEquals(6000, trun.samples().get(0).cts());

        // and near the top of the 64-bit microsecond range
        long huge = Long.MAX_VALUE / 2;
        MediaPacket far = keep(video(huge, huge, true, 10));
        Mp4Box farMoof = Mp4Box.first(Mp4Box.parse(muxer.fragment(2, List.of(far), -1)), "moof");
        assertEquals(MediaTime.toTicks(huge, 90_000), farMoof.child("traf/tfdt").tfdt());
        assertEquals(huge / 1_000_000 * 90_000 + (huge % 1_000_000 * 9 + 50) / 100, farMoof.child("traf/tfdt").tfdt());
    }

    @Test
    void roundingNeverAccumulatesAcrossFragments() {
        // 29.97 fps: frames 33 366.7 µs apart, so the microsecond timestamps step by 33 366 or 33 367
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO));
        long expectedNext = -1;
        for (int fragment = 0; fragment < 5; fragment++) {
            List<MediaPacket> in = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                long dts = Math.round((fragment * 7 + i) * 1_001_000 / 30.0);
                in.add(keep(video(dts, dts, i == 0, 20)));
            }
            long end = Math.round((fragment + 1) * 7 * 1_001_000 / 30.0);
            Fragment f = muxer.muxFragment(fragment + 1, in, end);
            Mp4Box traf = Mp4Box.first(Mp4Box.parse(f.bytes()), "moof").child("traf");
            if (expectedNext >= 0) {
                assertEquals(expectedNext, traf.child("tfdt").tfdt(),
                        "fragment " + fragment + " starts where the last ended");
            }
            Mp4Box.Trun trun = traf.child("trun").trun();
            assertTrue(trun.samples().stream().allMatch(s -> s.duration() == 3003), trun.toString());
            expectedNext = traf.child("tfdt").tfdt() + trun.totalDuration();
        }
        assertEquals(35 * 3003, expectedNext);
    }

    @Test
    void lastVideoSampleLastsUntilTheEndOrAsLongAsTheOneBefore() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO));
        // the first single-sample fragment without an end: 1/30 s
        assertEquals(List.of(3000L), durations(muxer.fragment(1, List.of(keep(video(0, 0, true, 10))), -1)));
        // an end after the sample decides
        MediaPacket second = keep(video(33_333, 33_333, false, 10));
        assertEquals(List.of(3600L), durations(muxer.fragment(2, List.of(second), 73_333)));
        // no usable end: the last duration written, also across fragments
        MediaPacket third = keep(video(73_333, 73_333, false, 10));
        assertEquals(List.of(3600L), durations(muxer.fragment(3, List.of(third), 73_333)));
        // within a fragment: the sample before it
        List<MediaPacket> in = List.of(keep(video(113_333, 113_333, false, 10)),
                keep(video(133_333, 133_333, false, 10)));
        assertEquals(List.of(1800L, 1800L), durations(muxer.fragment(4, in, Long.MIN_VALUE)));
    }

    @Test
    void packetsAreCopiedNotConsumed() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO));
        MediaPacket p = keep(video(0, 0, true, 100));
        byte[] first = muxer.fragment(1, List.of(p), -1);
        byte[] second = muxer.fragment(1, List.of(p), -1);
        assertArrayEquals(first, second, "same input, same bytes: the payload reader index did not move");
    }

    // ---- refusals

    @Test
    void malformedConfigurationsAreRefusedNamingTheTrack() {
        Track badAvc = Track.video(5, Codec.H264).config(new byte[] {1, 2, 3}).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Fmp4Muxer(List.of(badAvc, AUDIO)));
        assertTrue(e.getMessage().contains("H264 track 5"), e.getMessage());

        Track noConfig = Track.audio(6, Codec.AAC).audio(44100, 2).build();
        e = assertThrows(IllegalArgumentException.class, () -> new Fmp4Muxer(List.of(VIDEO, noConfig)));
        assertTrue(e.getMessage().contains("AAC track 6"), e.getMessage());

        byte[] truncated = Arrays.copyOf(Fmp4Fixtures.HEVC_RECORD, 40);
        Track badHevc = Track.video(7, Codec.H265).config(truncated).size(320, 240).build();
        e = assertThrows(IllegalArgumentException.class, () -> new Fmp4Muxer(List.of(badHevc)));
        assertTrue(e.getMessage().contains("H265 track 7"), e.getMessage());
    }

    @Test
    void unsupportedTrackSetsAreRefused() {
        Track opus = Track.audio(1, Codec.OPUS).build();
        assertThrows(IllegalArgumentException.class, () -> new Fmp4Muxer(List.of(VIDEO, opus)));
        assertThrows(IllegalArgumentException.class, () -> new Fmp4Muxer(List.of(VIDEO, HEVC)));
        assertThrows(IllegalArgumentException.class, () -> new Fmp4Muxer(List.of(AUDIO, AUDIO)));
        assertThrows(IllegalArgumentException.class, () -> new Fmp4Muxer(List.of(Fmp4Fixtures.DATA)));
        assertThrows(IllegalArgumentException.class, () -> new Fmp4Muxer(List.of()));
    }

    @Test
    void badPacketsAreRefusedAndTheMuxerStaysUsable() {
        Fmp4Muxer muxer = new Fmp4Muxer(List.of(VIDEO, AUDIO));
        MediaPacket negative = keep(video(-1, 0, true, 10));
        assertThrows(IllegalArgumentException.class, () -> muxer.fragment(1, List.of(negative), -1));
        List<MediaPacket> backwards = List.of(keep(video(100_000, 100_000, true, 10)),
                keep(video(50_000, 50_000, false, 10)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> muxer.fragment(1, backwards, -1));
        assertTrue(e.getMessage().contains("H264 track 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> muxer.fragment(1, List.of(), -1));
        assertThrows(IllegalArgumentException.class, () -> muxer.fragment(1, List.of(keep(Fmp4Fixtures.data(0))), -1));

        Track changed = VIDEO.toBuilder().config(Fmp4Fixtures.HEVC_RECORD).build();
        MediaPacket p = keep(video(changed, 0, 0, true, 10));
        e = assertThrows(IllegalArgumentException.class, () -> muxer.fragment(1, List.of(p), -1));
        assertTrue(e.getMessage().contains("changed its configuration"), e.getMessage());

        // a new Track object with the same configuration (say, a new bitrate) is the same track
        Track sameConfig = VIDEO.toBuilder().bitrate(1_000_000).build();
        MediaPacket same = keep(video(sameConfig, 0, 0, true, 10));
        assertEquals(List.of(3000L), durations(muxer.fragment(1, List.of(same), -1)));
    }

    // ---- helpers

    private static String handler(Mp4Box trak) {
        ByteBuffer hdlr = trak.child("mdia/hdlr").fields();
        hdlr.position(4);
        return Mp4Box.fourcc(hdlr);
    }

    private static List<Long> durations(byte[] fragment) {
        return Mp4Box.first(Mp4Box.parse(fragment), "moof").child("traf/trun").trun().samples().stream()
                .map(Mp4Box.Sample::duration).toList();
    }

    /** The DecoderSpecificInfo (tag 5) inside an esds, walking the descriptors as a demuxer would. */
    static byte[] decoderSpecificInfo(Mp4Box esds) {
        ByteBuffer b = esds.fields();
        assertEquals(0x03, b.get(), "ES_Descriptor");
        descriptorLength(b);
        b.getShort(); // ES_ID
        assertEquals(0, b.get(), "no stream dependence, URL or OCR");
        assertEquals(0x04, b.get(), "DecoderConfigDescriptor");
        descriptorLength(b);
        assertEquals(0x40, b.get(), "objectTypeIndication: MPEG-4 audio");
        assertEquals(0x15, b.get(), "streamType audio");
        b.position(b.position() + 3 + 4 + 4);
        assertEquals(0x05, b.get(), "DecoderSpecificInfo");
        byte[] info = new byte[descriptorLength(b)];
        b.get(info);
        assertEquals(0x06, b.get(), "SLConfigDescriptor");
        assertEquals(1, descriptorLength(b));
        assertEquals(2, b.get());
        assertEquals(0, b.remaining());
        return info;
    }

    private static int descriptorLength(ByteBuffer b) {
        int length = 0;
        int v;
        do {
            v = b.get() & 0xff;
            length = (length << 7) | (v & 0x7f);
        } while ((v & 0x80) != 0);
        return length;
    }

    /** Asserts that the traf at {@code trafIndex} points its data offset at exactly these packets' payloads. */
    static void assertSamplesAt(byte[] fragment, int trafIndex, List<MediaPacket> expected) {
        List<Mp4Box> boxes = Mp4Box.parse(fragment);
        Mp4Box moof = Mp4Box.first(boxes, "moof");
        Mp4Box.Trun trun = moof.all("traf").get(trafIndex).child("trun").trun();
        assertEquals(expected.size(), trun.samples().size());
        Mp4Box mdat = Mp4Box.first(boxes, "mdat");
        int p = moof.offset + trun.dataOffset();
        assertTrue(p >= mdat.offset + 8, "data offset before the mdat payload");
        for (int i = 0; i < expected.size(); i++) {
            byte[] want = Fmp4Fixtures.bytes(expected.get(i));
            assertEquals(want.length, trun.samples().get(i).size());
            assertArrayEquals(want, Arrays.copyOfRange(fragment, p, p + want.length), "sample " + i);
            p += want.length;
        }
        assertTrue(p <= mdat.offset + mdat.size, "samples run past the mdat");
    }
}
