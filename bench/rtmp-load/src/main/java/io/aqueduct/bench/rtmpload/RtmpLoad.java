package io.aqueduct.bench.rtmpload;

import io.aqueduct.rtmp.internal.client.RtmpPlayClient;
import io.aqueduct.rtmp.internal.client.RtmpUrl;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Many RTMP players of one stream in one JVM, stepped up until a step fails.
 *
 * <p>Per step: connect players gradually up to the step's count, let them settle, then measure a steady window:
 * each player's audio+video payload bytes against the expected bytes (the source rate, measured first by one
 * reference player on the idle server, times the window), and the largest wall-clock gap between consecutive
 * media messages. A step passes when every player is connected, got at least {@code --min-ratio} of the
 * expected bytes and never waited longer than {@code --stall-ms}. With {@code --server-pid} it also reports the
 * server's CPU and RSS over the window (from /proc). Human lines, plus {@code RESULT ...} and
 * {@code SUMMARY ...} lines of key=value pairs for scripts.
 */
public final class RtmpLoad {

    private static final String USAGE = """
            usage: java -jar rtmp-load.jar --url rtmp://127.0.0.1:1935/live/bench [options]
              --label NAME            name in the output (default: the URL's host:port)
              --steps 100,250,...     player counts (default 100,250,500,1000,2000,4000)
              --window S              steady measurement per step, seconds (default 20)
              --settle S              wait after the ramp before measuring (default 3)
              --ramp-batch N          players connected per ramp tick (default 50)
              --ramp-interval-ms MS   ramp tick (default 100)
              --ramp-timeout S        all players of a step must have started within this (default 30)
              --calibrate S           seconds the reference player measures the source rate (default 10)
              --expected-Bps N        skip calibration; source payload bytes per second
              --min-ratio R           bytes received / expected to pass (default 0.97)
              --stall-ms MS           a gap longer than this is a stall (default 500)
              --threads N             event loop threads (default 2)
              --server-pid PID        report this process's CPU and RSS per step
              --strace-step N         after the window of step N, run strace -c -f on the server (needs --server-pid)
              --strace-seconds S      (default 5)
              --strace-out FILE       (default strace-<label>-<N>.txt)
              --keep-going            do not stop at the first failing step
              --max-seconds S         hard limit for the whole run (default 900)
            """;

    private final Map<String, String> opts;
    private final String label;
    private final RtmpUrl url;
    private final String serverPid;
    private final List<Player> players = new ArrayList<>();
    private EventLoopGroup group;

    private RtmpLoad(Map<String, String> opts) {
        this.opts = opts;
        this.url = RtmpUrl.parse(required("url"));
        this.label = opts.getOrDefault("label", url.host() + ":" + url.port());
        this.serverPid = opts.get("server-pid");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(USAGE);
                return;
            }
            if (!a.startsWith("--")) {
                fatal("unexpected argument " + a + "\n" + USAGE);
            }
            String key = a.substring(2);
            if (key.equals("keep-going")) {
                opts.put(key, "true");
            } else if (i + 1 < args.length) {
                opts.put(key, args[++i]);
            } else {
                fatal("--" + key + " needs a value");
            }
        }
        if (!opts.containsKey("url")) {
            fatal(USAGE);
        }
        long maxSeconds = Long.parseLong(opts.getOrDefault("max-seconds", "900"));
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
                System.out.println("ABORT the run passed --max-seconds " + maxSeconds);
                System.out.flush();
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                // the run ended in time
            }
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        System.exit(new RtmpLoad(opts).run());
    }

    private int run() throws Exception {
        group = new MultiThreadIoEventLoopGroup(intOpt("threads", 2), NioIoHandler.newFactory());
        try {
            return steps();
        } finally {
            for (Player p : players) {
                if (p.client != null) {
                    p.client.close();
                }
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private int steps() throws Exception {
        int[] steps = Arrays.stream(opts.getOrDefault("steps", "100,250,500,1000,2000,4000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        double windowS = doubleOpt("window", 20);
        double settleS = doubleOpt("settle", 3);
        double minRatio = doubleOpt("min-ratio", 0.97);
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(intOpt("stall-ms", 500));
        boolean keepGoing = opts.containsKey("keep-going");
        int straceStep = intOpt("strace-step", -1);

        ProcStat idle = serverStat();
        System.out.printf(Locale.ROOT, "%s: %s, server pid %s, idle RSS %s%n", label, url, serverPid,
                idle == null ? "?" : mb(idle.rssBytes()) + " MB");

        // The reference player: measures the source rate on the idle server and stays on as player 0.
        Player reference = connect();
        if (!awaitStarted(List.of(reference), 15)) {
            System.out.println("FAIL " + label + ": the reference player did not start: " + reference.finished);
            System.out.printf("SUMMARY label=%s highest_pass=0 error=reference_player%n", label);
            return 2;
        }
        double expectedBps;
        if (opts.containsKey("expected-Bps")) {
            expectedBps = Double.parseDouble(opts.get("expected-Bps"));
        } else {
            sleep(3); // past the GOP-cache burst a new player gets
            double calibrateS = doubleOpt("calibrate", 10);
            long b0 = reference.mediaBytes;
            long t0 = System.nanoTime();
            sleep(calibrateS);
            expectedBps = (reference.mediaBytes - b0) / ((System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "CALIBRATE label=%s source_Bps=%.0f source_kbps=%.0f%n", label, expectedBps,
                expectedBps * 8 / 1000);
        if (expectedBps <= 0) {
            System.out.printf("SUMMARY label=%s highest_pass=0 error=no_media%n", label);
            return 2;
        }

        int highestPass = 0;
        String passLine = null;
        for (int n : steps) {
            int before = players.size();
            long rampStart = System.nanoTime();
            ramp(n);
            boolean allStarted = awaitStarted(players.subList(before, players.size()), doubleOpt("ramp-timeout", 30));
            double rampS = (System.nanoTime() - rampStart) / 1e9;
            sleep(settleS);

            // the steady window
            Player.gapEpoch++;
            long[] bytes0 = new long[n];
            for (int i = 0; i < n; i++) {
                bytes0[i] = players.get(i).mediaBytes;
            }
            ProcStat s0 = serverStat();
            ProcStat self0 = ProcStat.of("self");
            long t0 = System.nanoTime();
            sleep(windowS);
            long t1 = System.nanoTime();
            ProcStat s1 = serverStat();
            ProcStat self1 = ProcStat.of("self");
            double seconds = (t1 - t0) / 1e9;
            double expected = expectedBps * seconds;

            int connected = 0;
            int enough = 0;
            int stalls = 0;
            double minR = Double.MAX_VALUE;
            double sumR = 0;
            long maxGap = 0;
            String firstProblem = null;
            for (int i = 0; i < n; i++) {
                Player p = players.get(i);
                boolean alive = p.alive();
                double ratio = (p.mediaBytes - bytes0[i]) / expected;
                long last = p.lastMediaNanos;
                long gap = Math.max(p.maxGapNanos, last == 0 ? t1 - t0 : t1 - last);
                if (alive) {
                    connected++;
                } else if (firstProblem == null) {
                    firstProblem = "player " + p.id + ": " + (p.finished != null ? p.finished : "not started");
                }
                if (ratio >= minRatio) {
                    enough++;
                }
                if (gap > stallNanos) {
                    stalls++;
                }
                minR = Math.min(minR, ratio);
                sumR += ratio;
                maxGap = Math.max(maxGap, gap);
            }
            boolean pass = allStarted && connected == n && enough == n && stalls == 0;
            String cpu = "";
            double cpuPct = Double.NaN;
            if (s0 != null && s1 != null) {
                cpuPct = 100 * (s1.cpuSeconds() - s0.cpuSeconds()) / seconds;
                double rssPerPlayerKb = idle == null ? Double.NaN : (s1.rssBytes() - idle.rssBytes()) / 1024.0 / n;
                cpu = String.format(Locale.ROOT,
                        " server_cpu_pct=%.1f cpu_ms_per_player_s=%.4f server_rss_mb=%d rss_kb_per_player=%.1f",
                        cpuPct, cpuPct * 10 / n, mb(s1.rssBytes()), rssPerPlayerKb);
            }
            double loaderPct = self0 == null || self1 == null ? Double.NaN
                    : 100 * (self1.cpuSeconds() - self0.cpuSeconds()) / seconds;
            String line = String.format(Locale.ROOT,
                    "RESULT label=%s step=%d connected=%d enough_bytes=%d stalls=%d min_ratio=%.3f mean_ratio=%.3f"
                            + " max_gap_ms=%d window_s=%.1f ramp_s=%.1f%s loader_cpu_pct=%.1f pass=%s",
                    label, n, connected, enough, stalls, minR, sumR / n, TimeUnit.NANOSECONDS.toMillis(maxGap),
                    seconds, rampS, cpu, loaderPct, pass);
            System.out.println(line);
            if (firstProblem != null) {
                System.out.println("  first problem: " + firstProblem);
            }
            if (loaderPct > 90) {
                System.out.printf(Locale.ROOT, "  warning: the loader used %.0f %% of a core; it may be the limit%n", loaderPct);
            }
            System.out.flush();
            if (n == straceStep && serverPid != null) {
                strace(n);
            }
            if (pass) {
                highestPass = n;
                passLine = line;
            } else if (!keepGoing) {
                break;
            }
        }
        String at = passLine == null ? "" : passLine.substring(passLine.indexOf(" connected="));
        System.out.printf(Locale.ROOT, "SUMMARY label=%s highest_pass=%d source_kbps=%.0f%s%n", label, highestPass,
                expectedBps * 8 / 1000, at);
        return 0;
    }

    private Player connect() {
        Player p = new Player(players.size());
        players.add(p);
        p.client = RtmpPlayClient.connect(group, url, Duration.ofSeconds(30), p);
        return p;
    }

    private void ramp(int n) throws InterruptedException {
        int batch = intOpt("ramp-batch", 50);
        long interval = intOpt("ramp-interval-ms", 100);
        while (players.size() < n) {
            for (int i = 0; i < batch && players.size() < n; i++) {
                connect();
            }
            Thread.sleep(interval);
        }
    }

    /** Waits until every player has started or finished; false when some did neither in time or failed. */
    private static boolean awaitStarted(List<Player> ps, double timeoutS) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutS * 1e9);
        while (System.nanoTime() < deadline) {
            boolean waiting = false;
            for (Player p : ps) {
                if (!p.started && p.finished == null) {
                    waiting = true;
                    break;
                }
            }
            if (!waiting) {
                break;
            }
            Thread.sleep(20);
        }
        return ps.stream().allMatch(Player::alive);
    }

    private void strace(int n) {
        String out = opts.getOrDefault("strace-out", "strace-" + label + "-" + n + ".txt");
        int seconds = intOpt("strace-seconds", 5);
        try {
            Process p = new ProcessBuilder("timeout", "-s", "INT", String.valueOf(seconds), "strace", "-c", "-f",
                    "-p", serverPid, "-o", out).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(seconds + 10L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            System.out.println("STRACE label=" + label + " step=" + n + " seconds=" + seconds + " file=" + out);
            if (Files.exists(Path.of(out))) {
                Files.readAllLines(Path.of(out)).stream().limit(14).forEach(l -> System.out.println("  " + l));
            }
        } catch (IOException e) {
            System.out.println("STRACE skipped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ProcStat serverStat() {
        return serverPid == null ? null : ProcStat.of(serverPid);
    }

    private String required(String key) {
        String v = opts.get(key);
        if (v == null) {
            fatal("--" + key + " is required\n" + USAGE);
        }
        return v;
    }

    private int intOpt(String key, int dflt) {
        return opts.containsKey(key) ? Integer.parseInt(opts.get(key)) : dflt;
    }

    private double doubleOpt(String key, double dflt) {
        return opts.containsKey(key) ? Double.parseDouble(opts.get(key)) : dflt;
    }

    private static long mb(long bytes) {
        return bytes >> 20;
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    private static void fatal(String message) {
        System.err.println(message);
        System.exit(64);
    }
}
