package io.aqueduct.hls.internal.ts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real check: ffmpeg encodes 2 s of H.264 + AAC to FLV, a small FLV reader turns its tags into the hub's
 * media model, the muxer writes a transport stream (a new segment at every keyframe), and ffprobe and ffmpeg must
 * read it back whole and without complaint. Needs the ffmpeg CLI: a missing ffmpeg fails the test, it does not
 * skip it.
 */
class FfmpegTsMuxTest {
    private static final long TIMEOUT_S = 60;

    @TempDir
    Path dir;

    @BeforeAll
    static void ffmpegIsInstalled() {
        for (String tool : List.of("ffmpeg", "ffprobe")) {
            try {
                Result r = run(List.of(tool, "-version"));
                assertEquals(0, r.exitCode(), tool + " -version failed: " + r.output());
            } catch (IOException e) {
                fail(tool + " is not on the PATH; FfmpegTsMuxTest needs the ffmpeg CLI (apt-get install ffmpeg): " + e);
            }
        }
    }

    @Test
    void ffprobeReadsTheMuxedStreamWhole() throws Exception {
        Path flv = dir.resolve("in.flv");
        Result encode = run(List.of("ffmpeg", "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-g", "30", "-bf", "2",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", flv.toString()));
        assertEquals(0, encode.exitCode(), "ffmpeg could not make the input: " + encode.output());

        FlvReader input = FlvReader.read(Files.readAllBytes(flv));
        assertNotNull(input.video, "no AVC sequence header in the FLV");
        assertNotNull(input.audio, "no AAC sequence header in the FLV");
        assertEquals(60, input.videoFrames);

        Path ts = dir.resolve("out.ts");
        TsSegmentWriter writer = new TsSegmentWriter(List.of(input.video, input.audio));
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try (OutputStream file = Files.newOutputStream(ts)) {
            int segments = 0;
            for (MediaPacket p : input.packets) {
                if (segments == 0 || p.isVideoKeyframe()) {
                    writer.startSegment(out);
                    segments++;
                }
                writer.write(p, out);
            }
            assertEquals(0, out.readableBytes() % TsSegmentWriter.PACKET_SIZE);
            assertTrue(segments >= 2, "a keyframe every 30 frames makes at least two segments");
            out.readBytes(file, out.readableBytes());
        } finally {
            out.release();
            input.packets.forEach(MediaPacket::release);
        }

        Map<String, String> video = probe(ts, "v:0", "stream=codec_name,width,height,nb_read_frames");
        assertEquals("h264", video.get("codec_name"), video.toString());
        assertEquals("320", video.get("width"));
        assertEquals("240", video.get("height"));
        assertEquals("60", video.get("nb_read_frames"));

        Map<String, String> audio = probe(ts, "a:0", "stream=codec_name,sample_rate,channels,nb_read_frames");
        assertEquals("aac", audio.get("codec_name"), audio.toString());
        assertEquals("44100", audio.get("sample_rate"));
        assertEquals(String.valueOf(input.audioFrames), audio.get("nb_read_frames"));

        double duration = Double.parseDouble(probe(ts, null, "format=duration").get("duration"));
        assertTrue(duration > 1.9 && duration < 2.2, "duration " + duration + " s, expected about 2 s");

        Result decode = run(List.of("ffmpeg", "-v", "error", "-i", ts.toString(), "-f", "null", "-"));
        assertEquals(0, decode.exitCode(), decode.output());
        assertEquals("", decode.output().strip(), "ffmpeg reported errors decoding the transport stream");
    }

    private static Map<String, String> probe(Path file, String streams, String entries) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-count_frames"));
        if (streams != null) {
            cmd.addAll(List.of("-select_streams", streams));
        }
        cmd.addAll(List.of("-show_entries", entries, "-of", "default=noprint_wrappers=1", file.toString()));
        Result r = run(cmd);
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> values = new HashMap<>();
        for (String line : r.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return values;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " ran over " + TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted waiting for " + command, e);
        }
    }

    /**
     * Just enough FLV (Adobe FLV 10.1 annex E) for ffmpeg's output: a 9-byte header, then tags of an 11-byte header,
     * the body and a 4-byte back pointer. AVC video bodies: frame type and codec id, AVC packet type, a signed
     * 24-bit composition time, data; AAC audio bodies: 0xAF, AAC packet type, data.
     */
    private static final class FlvReader {
        Track video;
        Track audio;
        final List<MediaPacket> packets = new ArrayList<>();
        int videoFrames;
        int audioFrames;

        static FlvReader read(byte[] flv) {
            FlvReader r = new FlvReader();
            ByteBuf in = Unpooled.wrappedBuffer(flv);
            assertEquals("FLV", in.readCharSequence(3, StandardCharsets.US_ASCII).toString());
            in.skipBytes(1 + 1); // version, flags
            in.readerIndex((int) in.readUnsignedInt());
            in.skipBytes(4); // PreviousTagSize0
            while (in.readableBytes() >= 11) {
                int type = in.readUnsignedByte() & 0x1f;
                int size = in.readUnsignedMedium();
                long ms = in.readUnsignedMedium() | ((long) in.readUnsignedByte() << 24);
                in.skipBytes(3); // stream id
                ByteBuf body = in.readSlice(size);
                in.skipBytes(4); // back pointer
                if (type == 9 && size > 5) {
                    r.video(body, ms);
                } else if (type == 8 && size > 2) {
                    r.audio(body, ms);
                }
            }
            return r;
        }

        private void video(ByteBuf body, long ms) {
            int first = body.readUnsignedByte();
            assertEquals(7, first & 0x0f, "AVC codec id");
            int packetType = body.readUnsignedByte();
            int cts = body.readMedium(); // signed
            byte[] data = new byte[body.readableBytes()];
            body.readBytes(data);
            if (packetType == 0) {
                video = Track.video(0, Codec.H264).config(data).size(320, 240).build();
            } else if (packetType == 1) {
                boolean key = (first >> 4) == 1;
                ByteBuf payload = ByteBufAllocator.DEFAULT.buffer(data.length).writeBytes(data);
                packets.add(MediaPacket.of(video, ms * 1000, (ms + cts) * 1000, key, payload));
                videoFrames++;
            }
        }

        private void audio(ByteBuf body, long ms) {
            assertEquals(0xaf, body.readUnsignedByte(), "AAC 44 kHz 16-bit stereo");
            int packetType = body.readUnsignedByte();
            byte[] data = new byte[body.readableBytes()];
            body.readBytes(data);
            if (packetType == 0) {
                audio = Track.audio(1, Codec.AAC).config(data).build();
            } else if (packetType == 1) {
                ByteBuf payload = ByteBufAllocator.DEFAULT.buffer(data.length).writeBytes(data);
                packets.add(MediaPacket.of(audio, ms * 1000, ms * 1000, true, payload));
                audioFrames++;
            }
        }
    }
}
