package io.aqueduct.bench.ladder;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.ffmpeg.FfmpegCapabilities;
import io.aqueduct.ffmpeg.internal.FfmpegProbe;
import io.aqueduct.transcode.internal.ladder.Ladder;
import io.aqueduct.transcode.internal.stream.MediaFile;
import io.aqueduct.transcode.internal.stream.StreamTranscoder;
import io.aqueduct.transcode.internal.stream.TranscodeSettings;
import io.aqueduct.transcode.internal.stream.TranscodeStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Aqueduct's transcoder outside the appliance, on the real hub and FFmpeg: {@code throughput <file>} pushes a file
 * through one ladder as fast as the transcoder takes it (never more than 2 s ahead of it, so the hub drops
 * nothing) and prints frames per second; {@code live <file> <n>} runs n ladders at once, each source paced in real
 * time by its timestamps, and prints whether each kept up (no frame dropped, no hub skip, speed 1.0).
 * Options after the arguments: {@code --gpu} (NVDEC and scale_cuda when a CUDA device opens), {@code --ladder L},
 * {@code --preset P}.
 */
public final class LadderBench {
    private LadderBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path file = Path.of(args[1]);
        int streams = mode.equals("live") ? Integer.parseInt(args[2]) : 1;
        boolean gpu = false;
        String ladder = Ladder.DEFAULT;
        String preset = "veryfast";
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--gpu" -> gpu = true;
                case "--ladder" -> ladder = args[++i];
                case "--preset" -> preset = args[++i];
                default -> {
                }
            }
        }
        long probeStart = System.nanoTime();
        FfmpegCapabilities caps = FfmpegProbe.probe();
        System.out.printf("%s (probed in %d ms)%n", caps.describe(), (System.nanoTime() - probeStart) / 1_000_000);
        List<MediaPacket> packets = MediaFile.read(file);
        long frames = packets.stream().filter(p -> p.mediaType() == MediaType.VIDEO).count();
        TranscodeSettings settings = new TranscodeSettings(Ladder.parse(ladder), "libx264", preset, gpu,
                mode.equals("live") ? 1000 : 3_600_000, 4000, "bicubic");
        DefaultStreamHub hub = new DefaultStreamHub();
        CompletableFuture<FfmpegCapabilities> ready = CompletableFuture.completedFuture(caps);
        List<StreamTranscoder> transcoders = new ArrayList<>();
        List<Thread> feeders = new ArrayList<>();
        long cpu0 = cpuNanos();
        long wall0 = System.nanoTime();
        for (int s = 0; s < streams; s++) {
            StreamKey key = StreamKey.of("live", "bench" + s);
            Publication publication = hub.publish(key);
            StreamTranscoder t = new StreamTranscoder(key, settings, hub, ready, null);
            transcoders.add(t);
            t.start();
            while (hub.stream(key).orElseThrow().subscribers() == 0) {
                Thread.sleep(1);
            }
            boolean paced = mode.equals("live");
            Thread feeder = new Thread(() -> feed(packets, publication, t, paced), "feeder-" + s);
            feeders.add(feeder);
            feeder.start();
        }
        for (Thread f : feeders) {
            f.join();
        }
        for (StreamTranscoder t : transcoders) {
            t.join(600_000);
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        double media = (packets.get(packets.size() - 1).dts() - packets.get(0).dts()) / 1e6;
        boolean allKept = true;
        for (StreamTranscoder t : transcoders) {
            TranscodeStatus st = t.status();
            boolean kept = st.framesDropped() == 0 && st.hubSkips() == 0 && st.framesDecoded() == frames;
            allKept &= kept;
            System.out.printf(Locale.ROOT, "%s: %s; %d/%d frames, %d dropped, %d hub skips, speed %.3f%s%n",
                    st.source(), st.path(), st.framesDecoded(), frames, st.framesDropped(), st.hubSkips(),
                    st.speed(), mode.equals("live") ? (kept ? " kept up" : " FELL BEHIND") : "");
        }
        if (mode.equals("throughput")) {
            System.out.printf(Locale.ROOT, "RESULT aqueduct throughput: %d frames in %.2f s = %.1f fps (%.2fx real "
                    + "time), CPU %.1f s%n", frames, wall, frames / wall, media / wall, cpu);
        } else {
            System.out.printf(Locale.ROOT, "RESULT aqueduct live: %d ladder(s) of %.0f s: %s, CPU %.1f s of %.1f s "
                    + "wall (%.0f %% of one core)%n", streams, media, allKept ? "all kept up" : "some fell behind",
                    cpu, wall, 100 * cpu / wall);
        }
        packets.forEach(MediaPacket::release);
        System.exit(0);
    }

    /** Hands the file to the hub: paced by its timestamps, or as fast as the transcoder keeps within 2 s of it. */
    private static void feed(List<MediaPacket> packets, Publication publication, StreamTranscoder t, boolean paced) {
        long start = System.nanoTime();
        long first = packets.get(0).dts();
        try {
            for (MediaPacket p : packets) {
                if (paced) {
                    long due = start + (p.dts() - first) * 1000;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                } else {
                    while (p.dts() - Math.max(first, t.status().position()) > 2_000_000) {
                        Thread.sleep(1);
                    }
                }
                publication.send(p.retain());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            publication.close();
        }
    }

    /** This process's CPU time (user + system) from /proc (a jlink'd runtime may lack jdk.management). */
    private static long cpuNanos() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // fields 14 and 15, 100 ticks/s
    }
}
