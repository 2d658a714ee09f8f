package io.aqueduct.itests.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that dies mid-recording (SIGKILL) leaves an MP4 that plays up to its last fragment. */
class RecordingCrashIT {
    @TempDir
    Path dir;

    @Test
    void aRecordingOfANodeKilledMidStreamIsReadableUpToItsLastFragment() throws Exception {
        int port = Appliance.freePort();
        try (Appliance node = Appliance.copyDistribution(port)) {
            node.setConfig("io.aqueduct.recording.cfg", "streams", "live/*");
            Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
            assertThat(r.exitCode()).as("bin/aqueduct start: %s", r.output()).isZero();
            Ffmpeg.Run publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl("live/crash"), "640x360", 30, 60);
            try {
                Path recordings = node.home().resolve("data/recordings/live");
                Appliance.await(Duration.ofSeconds(20), "five seconds recorded", () -> Appliance.unchecked(
                        () -> node.get(port, "/rest/v2/recordings").body()).matches("(?s).*\"seconds\":([5-9]|\\d\\d).*"));
                ProcessHandle java = node.process().orElseThrow();
                java.destroyForcibly();
                java.onExit().get(10, TimeUnit.SECONDS);
                List<Path> files;
                try (Stream<Path> list = Files.list(recordings)) {
                    files = list.toList();
                }
                assertThat(files).hasSize(1);
                Ffmpeg.Probe probe = Ffmpeg.probe(files.get(0));
                assertThat(probe.stream("video").codec()).isEqualTo("h264");
                assertThat(probe.stream("audio").codec()).isEqualTo("aac");
                System.out.printf("recording cut by SIGKILL: ffprobe reads %.3f s, %d video frames%n",
                        probe.duration(), probe.stream("video").frames());
                assertThat(probe.duration()).isBetween(4.0, 12.0);
                assertThat(probe.stream("video").frames()).isGreaterThanOrEqualTo(4 * 30);
                // and it decodes without an error
                Process decode = new ProcessBuilder("ffmpeg", "-v", "error", "-i", files.get(0).toString(), "-f",
                        "null", "-").redirectErrorStream(true).start();
                String errors = new String(decode.getInputStream().readAllBytes());
                assertThat(decode.waitFor()).isZero();
                assertThat(errors).isEmpty();
            } finally {
                publisher.process().destroy();
            }
        }
    }
}
