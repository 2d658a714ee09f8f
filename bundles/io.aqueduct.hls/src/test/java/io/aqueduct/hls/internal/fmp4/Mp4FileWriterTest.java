package io.aqueduct.hls.internal.fmp4;

import static io.aqueduct.hls.internal.fmp4.Fmp4Fixtures.AUDIO;
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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4FileWriterTest {
    private static final long START = 3_600_000_000L; // the stream has been running for an hour
    private static final long FRAME = 40_000; // 25 fps: exactly 3600 ticks at 90 kHz
    private static final int FPS = 25;
    private static final long AAC_FRAME = 23_220;

    @TempDir
    Path dir;

    private final List<MediaPacket> packets = new ArrayList<>();

    @AfterEach
    void releasePackets() {
        Fmp4Fixtures.release(packets);
    }

    /** One second of 25 fps video (keyframe first, then every 15 frames) and AAC, interleaved by time. */
    private List<MediaPacket> second(long from) {
        List<MediaPacket> out = new ArrayList<>();
        long audioAt = from;
        for (int i = 0; i < FPS; i++) {
            long dts = from + i * FRAME;
            while (audioAt <= dts) {
                out.add(audio(audioAt, 150));
                audioAt += AAC_FRAME;
            }
            out.add(video(dts, dts, i % 15 == 0, i % 15 == 0 ? 2000 : 400));
        }
        packets.addAll(out);
        return out;
    }

    @Test
    void recordingIsFinishedOnClose() throws Exception {
        Path file = dir.resolve("rec.mp4");
        Mp4FileWriter w = Mp4FileWriter.create(file, List.of(VIDEO, AUDIO));
        long[] moofOffsets = new long[3];
        for (int s = 0; s < 3; s++) {
            moofOffsets[s] = w.bytesWritten();
            w.append(second(START + s * FPS * FRAME), START + (s + 1) * FPS * FRAME);
        }
        assertEquals(3, w.fragments());
        // video: the end of the last append, 3 s
        long videoEnd = MediaTime.toTicks(3 * FPS * FRAME, 90_000);
        // audio: each second() has 42 AAC frames, up to its last video frame; the last lasts 1024 samples
        long audioEnd = MediaTime.toTicks(2 * FPS * FRAME + 41 * AAC_FRAME, 44_100) + 1024;
        assertEquals(270_000, videoEnd);
        assertTrue(MediaTime.toMicros(audioEnd, 44_100) < MediaTime.toMicros(videoEnd, 90_000));
        assertEquals(3_000_000, w.durationMicros(), "the longest track: video");
        w.close();
        w.close(); // harmless
        assertThrows(IllegalStateException.class, () -> w.append(second(START + 3 * FPS * FRAME), -1));

        byte[] bytes = Files.readAllBytes(file);
        List<Mp4Box> boxes = Mp4Box.parse(bytes);
        assertEquals(List.of("ftyp", "moov", "moof", "mdat", "moof", "mdat", "moof", "mdat", "mfra"),
                boxes.stream().map(b -> b.type).toList());
        assertEquals(bytes.length, w.bytesWritten(), "bytesWritten counts the mfra too");

        // durations, patched in place in the version 1 boxes
        Mp4Box moov = boxes.get(1);
        Mp4Box mvhd = moov.child("mvhd");
        assertEquals(1, mvhd.version());
        assertEquals(1000, mvhd.fields().getInt(16));
        long movieMs = 3000;
        assertEquals(movieMs, mvhd.fields().getLong(20), "mvhd duration");
        assertEquals(movieMs, moov.child("mvex/mehd").fields().getLong(0), "mehd fragment_duration");
        assertEquals(1, moov.child("mvex/mehd").version());
        Mp4Box videoTrak = moov.all("trak").get(0);
        Mp4Box audioTrak = moov.all("trak").get(1);
        assertEquals(1, videoTrak.child("tkhd").version());
        assertEquals(3000, videoTrak.child("tkhd").fields().getLong(24), "video tkhd duration, ms");
        assertEquals(Math.round(audioEnd * 1000.0 / 44_100), audioTrak.child("tkhd").fields().getLong(24));
        assertEquals(videoEnd, videoTrak.child("mdia/mdhd").fields().getLong(20), "video mdhd duration, ticks");
        assertEquals(audioEnd, audioTrak.child("mdia/mdhd").fields().getLong(20));

        // fragments: numbered from 1, timestamps from 0
        List<Mp4Box> moofs = boxes.stream().filter(b -> b.type.equals("moof")).toList();
        for (int s = 0; s < 3; s++) {
            Mp4Box moof = moofs.get(s);
            assertEquals(moofOffsets[s], moof.offset);
            assertEquals(s + 1, moof.child("mfhd").fields().getInt(0));
            assertEquals(s * 90_000L, moof.all("traf").get(0).child("tfdt").tfdt());
        }
        assertEquals(0, moofs.get(0).all("traf").get(1).child("tfdt").tfdt(), "audio starts at 0 too");

        // mfra: a tfra per track, every fragment (each starts with a keyframe), then mfro with the mfra size
        Mp4Box mfra = boxes.get(boxes.size() - 1);
        assertEquals(List.of("tfra", "tfra", "mfro"), mfra.childTypes());
        assertEquals(mfra.size, mfra.child("mfro").fields().getInt(0));
        assertEquals(mfra.size, ByteBuffer.wrap(bytes).getInt(bytes.length - 4), "found from the end of the file");
        ByteBuffer tfra = mfra.all("tfra").get(0).fields();
        assertEquals(1, mfra.all("tfra").get(0).version());
        assertEquals(1, tfra.getInt(), "track_ID");
        assertEquals(0, tfra.getInt(), "1-byte traf, trun and sample numbers");
        assertEquals(3, tfra.getInt());
        for (int s = 0; s < 3; s++) {
            assertEquals(s * 90_000L, tfra.getLong(), "time");
            assertEquals(moofOffsets[s], tfra.getLong(), "moof_offset");
            assertEquals(1, tfra.get(), "traf_number");
            assertEquals(1, tfra.get(), "trun_number");
            assertEquals(1, tfra.get(), "sample_number");
        }
        ByteBuffer audioTfra = mfra.all("tfra").get(1).fields();
        assertEquals(2, audioTfra.getInt());
        audioTfra.getInt();
        assertEquals(3, audioTfra.getInt());
        audioTfra.position(audioTfra.position() + 16);
        assertEquals(2, audioTfra.get(), "audio's traf is the second in its moof");
    }

    @Test
    void tfraListsOnlyFragmentsThatStartWithAKeyframe() throws Exception {
        Path file = dir.resolve("parts.mp4");
        try (Mp4FileWriter w = Mp4FileWriter.create(file, List.of(VIDEO))) {
            for (int i = 0; i < 6; i++) {
                MediaPacket p = video(i * FRAME, i * FRAME, i % 3 == 0, 100);
                packets.add(p);
                w.append(List.of(p), (i + 1) * FRAME);
            }
        }
        List<Mp4Box> boxes = Mp4Box.parse(Files.readAllBytes(file));
        ByteBuffer tfra = Mp4Box.first(boxes, "mfra").child("tfra").fields();
        tfra.position(8);
        assertEquals(2, tfra.getInt());
        List<Mp4Box> moofs = boxes.stream().filter(b -> b.type.equals("moof")).toList();
        assertEquals(0, tfra.getLong());
        assertEquals(moofs.get(0).offset, tfra.getLong());
        tfra.position(tfra.position() + 3);
        assertEquals(3 * 3600, tfra.getLong());
        assertEquals(moofs.get(3).offset, tfra.getLong());
    }

    @Test
    void fileIsReadableAfterEveryAppendWithoutClose() throws Exception {
        Path file = dir.resolve("crash.mp4");
        Mp4FileWriter w = Mp4FileWriter.create(file, List.of(VIDEO, AUDIO));
        try {
            assertEquals(Files.size(file), w.bytesWritten(), "the init segment is in the file");
            List<String> init = Mp4Box.parse(Files.readAllBytes(file)).stream().map(b -> b.type).toList();
            assertEquals(List.of("ftyp", "moov"), init);
            w.append(second(START), START + FPS * FRAME);
            w.append(second(START + FPS * FRAME), START + 2 * FPS * FRAME);
            // what a killed process leaves: whole boxes, no mfra, durations still 0
            byte[] bytes = Files.readAllBytes(file);
            assertEquals(w.bytesWritten(), bytes.length);
            List<Mp4Box> boxes = Mp4Box.parse(bytes);
            assertEquals(List.of("ftyp", "moov", "moof", "mdat", "moof", "mdat"),
                    boxes.stream().map(b -> b.type).toList());
            assertEquals(0, boxes.get(1).child("mvhd").fields().getLong(20));
        } finally {
            w.close();
        }
    }

    @Test
    void initSegmentIsTheMuxersWithRoomForDurations() throws Exception {
        Path file = dir.resolve("init.mp4");
        Mp4FileWriter.create(file, List.of(VIDEO, AUDIO)).close();
        List<Mp4Box> boxes = Mp4Box.parse(Files.readAllBytes(file));
        assertEquals(List.of("ftyp", "moov", "mfra"), boxes.stream().map(b -> b.type).toList());
        Mp4Box moov = boxes.get(1);
        assertEquals(List.of("mehd", "trex", "trex"), moov.child("mvex").childTypes());
        assertArrayEquals(Fmp4Fixtures.AVC_RECORD, moov.child("trak/mdia/minf/stbl/stsd/avc1/avcC").bodyBytes());
        assertArrayEquals(Fmp4Fixtures.AAC_CONFIG,
                Fmp4MuxerTest.decoderSpecificInfo(moov.all("trak").get(1).child("mdia/minf/stbl/stsd/mp4a/esds")));
        assertEquals(0, moov.child("mvhd").fields().getLong(20), "nothing recorded");
    }

    @Test
    void packetsWithoutMediaAppendNothing() throws Exception {
        Path file = dir.resolve("data.mp4");
        try (Mp4FileWriter w = Mp4FileWriter.create(file, List.of(VIDEO, Fmp4Fixtures.DATA))) {
            long size = w.bytesWritten();
            MediaPacket data = Fmp4Fixtures.data(0);
            packets.add(data);
            w.append(List.of(data), -1);
            w.append(List.of(), -1);
            assertEquals(size, w.bytesWritten());
            assertEquals(0, w.fragments());
        }
    }

    @Test
    void refusedPacketsLeaveTheFileAsItWas() throws Exception {
        Path file = dir.resolve("refused.mp4");
        try (Mp4FileWriter w = Mp4FileWriter.create(file, List.of(VIDEO, AUDIO))) {
            w.append(second(START), START + FPS * FRAME);
            long size = w.bytesWritten();
            MediaPacket early = video(START - FRAME, START - FRAME, true, 10);
            packets.add(early);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.append(List.of(early), -1));
            assertTrue(e.getMessage().contains("negative"), e.getMessage());
            assertEquals(size, w.bytesWritten());
            assertEquals(size, Files.size(file));
            w.append(second(START + FPS * FRAME), START + 2 * FPS * FRAME);
            assertEquals(2, w.fragments());
        }
    }

    @Test
    void badTracksCreateNoFileAndAnExistingFileIsNotOverwritten() throws Exception {
        Path bad = dir.resolve("bad.mp4");
        Track broken = Track.video(0, Codec.H264).config(new byte[] {1}).build();
        assertThrows(IllegalArgumentException.class, () -> Mp4FileWriter.create(bad, List.of(broken)));
        assertFalse(Files.exists(bad));

        Path existing = dir.resolve("existing.mp4");
        Files.write(existing, new byte[] {42});
        assertThrows(FileAlreadyExistsException.class, () -> Mp4FileWriter.create(existing, List.of(VIDEO)));
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(existing));
    }
}
