package io.aqueduct.hls.internal.record;

import static io.aqueduct.hls.internal.segment.SyntheticStream.packets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.stream.StreamKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamRecordingTest {
    private static final StreamKey KEY = StreamKey.of("live", "cam");
    private static final long NOW = 1_795_000_000_000L; // 2026-11-18T11:06:40Z

    @TempDir
    Path dir;

    private static void feed(StreamRecording r, List<MediaPacket> packets) {
        for (MediaPacket p : packets) {
            r.accept(p);
            p.release();
        }
    }

    @Test
    void recordsFromTheFirstKeyframeToTheEndIntoAFinishedFile() throws Exception {
        StreamRecording r = new StreamRecording(KEY, dir, () -> NOW);
        // joined mid-stream: starts at the keyframe at 4 s
        feed(r, packets(3_500_000, 6_000_000, 30, 60, true, true));
        assertThat(r.files()).hasSize(1);
        Path file = r.files().get(0);
        assertThat(file).isEqualTo(dir.resolve("live").resolve("cam-20261118-110640Z.mp4"));
        long growing = Files.size(file);
        assertThat(growing).isGreaterThan(0);
        assertThat(r.seconds()).isBetween(4.0, 5.6);
        r.end();
        assertThat(r.isEnded()).isTrue();
        assertThat(r.failure()).isNull();
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        // ftyp and moov first, fragments, and the random-access index at the end
        assertThat(text.substring(4, 8)).isEqualTo("ftyp");
        assertThat(text).contains("moov", "mvex", "mehd", "moof", "mdat");
        assertThat(text.substring(bytes.length - 12, bytes.length - 8)).isEqualTo("mfro");
        assertThat(text.indexOf("moof")).isGreaterThan(text.indexOf("moov"));
    }

    @Test
    void aSecondRecordingOfTheSameSecondGetsItsOwnFile() throws Exception {
        StreamRecording a = new StreamRecording(KEY, dir, () -> NOW);
        feed(a, packets(0, 2_000_000, 30, 60, true, true));
        a.end();
        StreamRecording b = new StreamRecording(KEY, dir, () -> NOW);
        feed(b, packets(0, 2_000_000, 30, 60, true, true));
        b.end();
        assertThat(b.files().get(0).getFileName().toString()).isEqualTo("cam-20261118-110640Z-2.mp4");
        assertThat(a.files().get(0)).exists();
    }

    @Test
    void aDirectoryThatCannotBeWrittenEndsTheRecordingWithAReason() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        StreamRecording r = new StreamRecording(KEY, notADirectory, () -> NOW);
        feed(r, packets(0, 3_000_000, 30, 60, true, true));
        assertThat(r.isEnded()).isTrue();
        assertThat(r.failure()).contains("cannot start the recording of live/cam", notADirectory.toString());
        r.end();
    }

    @Test
    void selectionNamesStreamsAndApplications() {
        StreamSelection s = StreamSelection.parse(" live/cam , events/* ,");
        assertThat(s.matches(KEY)).isTrue();
        assertThat(s.matches(StreamKey.of("live", "other"))).isFalse();
        assertThat(s.matches(StreamKey.of("events", "anything"))).isTrue();
        assertThat(StreamSelection.parse("").matches(KEY)).isFalse();
        assertThatThrownBy(() -> StreamSelection.parse("live/cam, ../etc")).hasMessageContaining("'../etc'");
        assertThatThrownBy(() -> StreamSelection.parse("a/b/c")).hasMessageContaining("'a/b/c'");
    }
}
