package io.aqueduct.itests.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The ffmpeg and ffprobe command-line tools (Debian's ffmpeg package, installed by .ci/run) as test clients. */
final class Ffmpeg {

    /** A running ffmpeg, its standard error kept in a file for assertions and failure messages. */
    record Run(Process process, Path log) {
        /** Waits for the exit; fails the test if it takes longer than {@code seconds}. */
        int await(int seconds) throws IOException, InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("ffmpeg still running after " + seconds + " s; its output:\n" + output());
            }
            return process.exitValue();
        }

        String output() throws IOException {
            return Files.readString(log);
        }
    }

    private Ffmpeg() {
    }

    static Run start(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "ffmpeg-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Run(p, log);
    }

    /** The title the test source announces in its onMetaData. */
    static final String TITLE = "aqueduct-interop";

    /**
     * Publishes a test picture and a tone over RTMP, in real time ({@code -re}), libx264 (4:2:0, as every camera and
     * OBS send, and what browsers decode) + AAC.
     */
    static Run publishTestSource(Path dir, String url, String size, int seconds, int gopFrames) throws IOException {
        return start(dir, "-re", "-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", Integer.toString(seconds), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast",
                "-g", Integer.toString(gopFrames),
                "-c:a", "aac", "-metadata", "title=" + TITLE, "-f", "flv", url);
    }

    /** One stream of a file as ffprobe sees it, after counting its frames. */
    record Stream(String type, String codec, int width, int height, long frames) {
    }

    /** @param tags the container's metadata (format tags), for FLV what onMetaData said */
    record Probe(List<Stream> streams, double duration, Map<String, String> tags) {
        Stream stream(String type) {
            return streams.stream().filter(s -> s.type().equals(type)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type + " stream in " + streams));
        }
    }

    static Probe probe(Path file) throws IOException, InterruptedException {
        return probe(file.toString());
    }

    /** Probes a file or a URL (an HLS playlist over HTTP, for example). */
    static Probe probe(String file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames",
                "-show_entries", "stream=codec_type,codec_name,width,height,nb_read_frames",
                "-show_entries", "format=duration:format_tags", "-of", "compact", file)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffprobe failed on " + file + ": " + out);
        }
        List<Stream> streams = new ArrayList<>();
        Map<String, String> tags = new HashMap<>();
        double duration = -1;
        for (String line : out.split("\n")) {
            Map<String, String> f = new HashMap<>();
            for (String part : line.trim().split("\\|")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    f.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            if (line.startsWith("stream|")) {
                streams.add(new Stream(f.get("codec_type"), f.get("codec_name"), number(f.get("width")),
                        number(f.get("height")), number(f.get("nb_read_frames"))));
            } else if (line.startsWith("format|")) {
                String d = f.get("duration");
                // a live playlist has none
                duration = d == null || d.equals("N/A") ? -1 : Double.parseDouble(d);
                f.forEach((k, v) -> {
                    if (k.startsWith("tag:")) {
                        tags.put(k.substring(4), v);
                    }
                });
            }
        }
        return new Probe(streams, duration, tags);
    }

    /** Decoding timestamps (seconds) of one stream's packets, in file order: {@code v} video, {@code a} audio. */
    static List<Double> packetTimes(String input, String stream) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", stream,
                "-show_entries", "packet=dts_time", "-of", "csv=p=0", input).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffprobe failed on " + input + ": " + out);
        }
        List<Double> times = new ArrayList<>();
        for (String line : out.split("\n")) {
            String t = line.trim().replace(",", "");
            if (!t.isEmpty() && !t.equals("N/A")) {
                times.add(Double.parseDouble(t));
            }
        }
        return times;
    }

    private static int number(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
