package io.aqueduct.bench.relaylatency;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionOptions;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.core.internal.net.NioEventLoops;
import io.aqueduct.edge.internal.edge.RelayClient;
import io.aqueduct.edge.internal.edge.RelayedStream;
import io.aqueduct.edge.internal.origin.RelayServer;
import io.aqueduct.edge.internal.origin.RelayStatistics;
import io.aqueduct.edge.internal.token.RelayToken;
import io.aqueduct.edge.internal.wire.RelayProtocol;
import io.aqueduct.api.stream.StreamKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency the origin → edge relay hop adds, with timestamps carried in the stream.
 *
 * <p>Three modes, each a JVM of its own (bench/relay-latency.sh runs them):
 * <ul>
 * <li>{@code origin}: a {@link DefaultStreamHub} and a {@link RelayServer} on 127.0.0.1; publishes N synthetic
 * streams at a real-time pace (video at --fps with a keyframe every --gop frames, audio at --audio-rate), each
 * payload starting with the wall-clock time it was handed to the hub (epoch µs, {@link Clock#systemUTC()}), the
 * stream's index and a sequence number; a local subscriber per stream drains the same hub in this JVM (the
 * baseline). Writes what it sent and what the local subscriber got.</li>
 * <li>{@code edge}: {@link RelayClient} + {@link RelayedStream} into an edge hub, a subscriber per stream draining
 * it; writes what it got.</li>
 * <li>{@code report}: joins the files: latency of local delivery, of edge delivery, and per packet the edge's
 * minus the local one (what the hop adds); packets lost.</li>
 * </ul>
 * Both JVMs read the same kernel clock (CLOCK_REALTIME, µs resolution), so the times are comparable; only on one
 * machine. Subscribers on both sides work the same way: the hub's callback hands the subscription to a drainer
 * thread (as a real consumer hands it to its event loop), which stamps each packet as it polls it.
 */
public final class RelayLatency {
    static final byte[] SECRET = "relay latency bench secret".getBytes(StandardCharsets.UTF_8);
    static final String EDGE_ID = "edge-bench";
    static final byte[] AVC_720P = HexFormat.of().parseHex(
            "0164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800");
    static final Track VIDEO = Track.video(0, Codec.H264).config(AVC_720P).size(1280, 720).bitrate(2_500_000)
            .build();
    static final Track AUDIO = Track.audio(1, Codec.AAC).config(new byte[] {0x12, 0x10}).audio(44_100, 2)
            .bitrate(128_000).build();
    /** Payload header: sent µs (8), stream index (4), sequence in the stream (8), track (1). */
    static final int HEADER = 21;

    private RelayLatency() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("""
                    usage: java -jar relay-latency.jar origin --port P --out DIR [--streams N] [--duration S]
                             [--warmup S] [--fps F] [--gop N] [--audio-rate R] [--video-bytes B]
                             [--keyframe-bytes B] [--audio-bytes B] [--flush-ms MS] [--tail S]
                           java -jar relay-latency.jar edge --port P --out DIR [--streams N] [--max-seconds S]
                           java -jar relay-latency.jar report --out DIR""");
            return;
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option at " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        switch (args[0]) {
            case "origin" -> origin(o);
            case "edge" -> edge(o);
            case "report" -> report(Path.of(o.get("out")));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    static int intOpt(Map<String, String> o, String name, int dflt) {
        return o.containsKey(name) ? Integer.parseInt(o.get(name)) : dflt;
    }

    static double doubleOpt(Map<String, String> o, String name, double dflt) {
        return o.containsKey(name) ? Double.parseDouble(o.get(name)) : dflt;
    }

    static long nowMicros() {
        Instant i = Clock.systemUTC().instant();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    static StreamKey key(int i) {
        return StreamKey.of("live", "bench" + i);
    }

    // ---------------------------------------------------------------- origin

    private record Due(long nanos, int stream, boolean video, long seqInTrack) {
    }

    static void origin(Map<String, String> o) throws Exception {
        int port = Integer.parseInt(o.get("port"));
        Path out = Path.of(o.get("out"));
        int streams = intOpt(o, "streams", 1);
        double duration = doubleOpt(o, "duration", 30);
        double warmup = doubleOpt(o, "warmup", 5);
        double tail = doubleOpt(o, "tail", 2);
        double fps = doubleOpt(o, "fps", 30);
        int gop = intOpt(o, "gop", 30);
        double audioRate = doubleOpt(o, "audio-rate", 43);
        int videoBytes = intOpt(o, "video-bytes", 10_000);
        int keyframeBytes = intOpt(o, "keyframe-bytes", 50_000);
        int audioBytes = intOpt(o, "audio-bytes", 400);
        int flushMs = intOpt(o, "flush-ms", 10);

        DefaultStreamHub hub = new DefaultStreamHub();
        RelayServer.Timing timing = new RelayServer.Timing(RelayProtocol.HELLO_TIMEOUT, RelayProtocol.PING_INTERVAL,
                RelayProtocol.ORIGIN_READ_TIMEOUT, Duration.ofMillis(flushMs));
        NioEventLoops loops = new NioEventLoops(); // the node's event loops, one thread per core
        RelayServer server = new RelayServer(hub, loops, () -> SECRET, "origin-bench", Clock.systemUTC(), timing);
        Publication[] pubs = new Publication[streams];
        for (int i = 0; i < streams; i++) {
            pubs[i] = hub.publish(key(i));
        }
        Drainer local = new Drainer("local-subscriber");
        List<Subscription> localSubs = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            localSubs.add(hub.subscribe(key(i), SubscriptionOptions.DEFAULTS, local::ready).orElseThrow());
        }
        if (!server.bind("127.0.0.1", port)) {
            throw new IllegalStateException("relay server: " + server.problem());
        }
        System.out.printf("origin: %d streams on 127.0.0.1:%d, video %.0f fps (%d B, keyframe %d B every %d),"
                + " audio %.0f/s (%d B), flush interval %d ms%n", streams, port, fps, videoBytes, keyframeBytes, gop,
                audioRate, audioBytes, flushMs);

        // the publisher: one thread, every stream's packets on their real-time schedule, streams spread over a frame
        Recorder sent = new Recorder();
        long t0 = System.nanoTime();
        long videoPeriod = Math.round(1e9 / fps);
        long audioPeriod = Math.round(1e9 / audioRate);
        PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> Long.compare(a.nanos, b.nanos));
        for (int i = 0; i < streams; i++) {
            long phase = videoPeriod * i / streams;
            queue.add(new Due(t0 + phase, i, true, 0));
            queue.add(new Due(t0 + phase + audioPeriod / 3, i, false, 0));
        }
        long[] seq = new long[streams];
        long[] stop = {Long.MAX_VALUE};
        Thread publisher = new Thread(() -> {
            while (true) {
                Due d = queue.poll();
                long wait;
                while ((wait = d.nanos - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                long stopAt;
                synchronized (stop) {
                    stopAt = stop[0];
                }
                long dts = (d.nanos - t0) / 1_000;
                boolean key = d.video && d.seqInTrack % gop == 0;
                int size = d.video ? (key ? keyframeBytes : videoBytes) : audioBytes;
                ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(size);
                buf.writeZero(size);
                long s = seq[d.stream]++;
                buf.setInt(8, d.stream);
                buf.setLong(12, s);
                buf.setByte(20, d.video ? 0 : 1);
                long micros = nowMicros();
                buf.setLong(0, micros);
                pubs[d.stream].send(MediaPacket.of(d.video ? VIDEO : AUDIO, dts, dts, d.video ? key : true, buf));
                sent.add(d.stream, s, d.video ? 0 : 1, micros, 0);
                if (micros >= stopAt) {
                    return;
                }
                queue.add(new Due(d.nanos + (d.video ? videoPeriod : audioPeriod), d.stream, d.video,
                        d.seqInTrack + 1));
            }
        }, "publisher");
        publisher.setDaemon(true);
        publisher.start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (server.statistics().subscriptionsOpen() < streams) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the edge did not subscribe to all " + streams + " streams in 60 s");
            }
            Thread.sleep(20);
        }
        long windowStart = nowMicros() + (long) (warmup * 1e6);
        long windowEnd = windowStart + (long) (duration * 1e6);
        synchronized (stop) {
            stop[0] = windowEnd + (long) (tail * 1e6);
        }
        System.out.printf("origin: the edge subscribed to all %d streams; warm-up %.0f s, window %.0f s, tail %.0f s%n",
                streams, warmup, duration, tail);
        publisher.join();
        RelayStatistics stats = server.statistics();
        for (Publication p : pubs) {
            p.close();
        }
        Thread.sleep(1_000);
        long dropped = localSubs.stream().mapToLong(Subscription::droppedPackets).sum();
        long skips = localSubs.stream().mapToLong(Subscription::skips).sum();
        System.out.printf("origin: relay sent %d packets, %d payload bytes; local subscribers: %d dropped, %d skips%n",
                stats.packetsSent(), stats.payloadBytesSent(), dropped, skips);
        Files.writeString(out.resolve("window.txt"), windowStart + " " + windowEnd + " " + streams + "\n");
        sent.write(out.resolve("sent.bin"));
        local.recorder.write(out.resolve("local.bin"));
        server.close();
        hub.stop();
        loops.close();
    }

    // ---------------------------------------------------------------- edge

    static void edge(Map<String, String> o) throws Exception {
        int port = Integer.parseInt(o.get("port"));
        Path out = Path.of(o.get("out"));
        int streams = intOpt(o, "streams", 1);
        int maxSeconds = intOpt(o, "max-seconds", 600);
        NioEventLoops loops = new NioEventLoops(1);
        DefaultStreamHub hub = new DefaultStreamHub();
        RelayClient client = RelayClient.connect(loops, "127.0.0.1", port, EDGE_ID,
                RelayToken.issue(SECRET, EDGE_ID, Instant.now()),
                (c, reason) -> System.out.println("edge: connection lost: " + reason)).get(10, TimeUnit.SECONDS);
        Drainer drainer = new Drainer("edge-subscriber");
        List<RelayedStream> relayed = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            relayed.add(RelayedStream.open(client, hub, key(i), reason -> { }));
        }
        List<Subscription> subs = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < streams; i++) {
            java.util.Optional<Subscription> s;
            while ((s = hub.subscribe(key(i), SubscriptionOptions.DEFAULTS, drainer::ready)).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(key(i) + " did not go live on the edge in 30 s");
                }
                Thread.sleep(5);
            }
            subs.add(s.get());
            drainer.ready(s.get());
        }
        System.out.printf("edge: connected to %s, %d streams relayed and subscribed%n", client.originId(), streams);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (!subs.stream().allMatch(Subscription::isEnded) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(200);
        long dropped = subs.stream().mapToLong(Subscription::droppedPackets).sum();
        long skips = subs.stream().mapToLong(Subscription::skips).sum();
        System.out.printf("edge: relay client received %d packets, %d payload bytes; subscribers: %d dropped,"
                + " %d skips; all ended: %s%n", client.packetsReceived(), client.payloadBytesReceived(), dropped, skips,
                subs.stream().allMatch(Subscription::isEnded));
        drainer.recorder.write(out.resolve("edge.bin"));
        relayed.forEach(RelayedStream::close);
        client.close();
        hub.stop();
        loops.close();
    }

    // ---------------------------------------------------------------- both

    /** Packets as seen: stream, sequence, track, sent µs, received µs (0 for what was sent). */
    static final class Recorder {
        int n;
        int[] stream = new int[1 << 16];
        long[] seq = new long[1 << 16];
        byte[] track = new byte[1 << 16];
        long[] sent = new long[1 << 16];
        long[] received = new long[1 << 16];

        synchronized void add(int s, long q, int t, long sentMicros, long receivedMicros) {
            if (n == stream.length) {
                int c = n * 2;
                stream = Arrays.copyOf(stream, c);
                seq = Arrays.copyOf(seq, c);
                track = Arrays.copyOf(track, c);
                sent = Arrays.copyOf(sent, c);
                received = Arrays.copyOf(received, c);
            }
            stream[n] = s;
            seq[n] = q;
            track[n] = (byte) t;
            sent[n] = sentMicros;
            received[n] = receivedMicros;
            n++;
        }

        synchronized void write(Path file) throws IOException {
            try (DataOutputStream d = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
                for (int i = 0; i < n; i++) {
                    d.writeInt(stream[i]);
                    d.writeLong(seq[i]);
                    d.writeByte(track[i]);
                    d.writeLong(sent[i]);
                    d.writeLong(received[i]);
                }
            }
        }

        static Recorder read(Path file) throws IOException {
            Recorder r = new Recorder();
            try (DataInputStream d = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                while (true) {
                    int s;
                    try {
                        s = d.readInt();
                    } catch (EOFException e) {
                        return r;
                    }
                    r.add(s, d.readLong(), d.readByte(), d.readLong(), d.readLong());
                }
            }
        }
    }

    /**
     * A subscriber's thread: the hub's callback (on the publisher's thread) queues the subscription and wakes it;
     * it polls every packet, stamps it, reads the header the origin wrote and releases it.
     */
    static final class Drainer {
        final Recorder recorder = new Recorder();
        private final ConcurrentLinkedQueue<Subscription> ready = new ConcurrentLinkedQueue<>();
        private final Thread thread;

        Drainer(String name) {
            thread = new Thread(this::run, name);
            thread.setDaemon(true);
            thread.start();
        }

        void ready(Subscription s) {
            ready.add(s);
            LockSupport.unpark(thread);
        }

        private void run() {
            while (true) {
                Subscription s = ready.poll();
                if (s == null) {
                    LockSupport.park(this);
                    continue;
                }
                for (MediaPacket p; (p = s.poll()) != null; ) {
                    long now = nowMicros();
                    try {
                        ByteBuf b = p.content();
                        int i = b.readerIndex();
                        if (b.readableBytes() >= HEADER) {
                            recorder.add(b.getInt(i + 8), b.getLong(i + 12), b.getByte(i + 20), b.getLong(i), now);
                        }
                    } finally {
                        p.release();
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- report

    static void report(Path out) throws IOException {
        String[] w = Files.readString(out.resolve("window.txt")).trim().split(" ");
        long windowStart = Long.parseLong(w[0]);
        long windowEnd = Long.parseLong(w[1]);
        Recorder sent = Recorder.read(out.resolve("sent.bin"));
        Recorder local = Recorder.read(out.resolve("local.bin"));
        Recorder edge = Recorder.read(out.resolve("edge.bin"));

        Map<Long, Integer> inWindow = new HashMap<>();
        for (int i = 0; i < sent.n; i++) {
            if (sent.sent[i] >= windowStart && sent.sent[i] < windowEnd) {
                inWindow.put(id(sent.stream[i], sent.seq[i]), i);
            }
        }
        Map<Long, Long> localLatency = latencies(local, inWindow);
        Map<Long, Long> edgeLatency = latencies(edge, inWindow);
        long[] added = new long[edgeLatency.size()];
        int n = 0;
        for (Map.Entry<Long, Long> e : edgeLatency.entrySet()) {
            Long l = localLatency.get(e.getKey());
            if (l != null) {
                added[n++] = e.getValue() - l;
            }
        }
        added = Arrays.copyOf(added, n);
        long[] a = values(localLatency, null, sent, inWindow);
        long[] b = values(edgeLatency, null, sent, inWindow);
        long[] bVideo = values(edgeLatency, 0, sent, inWindow);
        long[] bAudio = values(edgeLatency, 1, sent, inWindow);

        System.out.printf("window: %.1f s, %d packets sent in it (%d streams)%n", (windowEnd - windowStart) / 1e6,
                inWindow.size(), Integer.parseInt(w[2]));
        System.out.printf("%-34s %8s %8s %8s %8s %8s %9s %6s%n", "latency, ms (send -> drained)", "p50", "p90",
                "p99", "p99.9", "max", "received", "lost");
        line("(a) origin-local subscriber", a, inWindow.size());
        line("(b) edge subscriber (via relay)", b, inWindow.size());
        line("    edge, video packets only", bVideo, -1);
        line("    edge, audio packets only", bAudio, -1);
        line("(c) added by the hop (b-a per pkt)", added, -1);
        long[] sa = a.clone();
        long[] sb = b.clone();
        Arrays.sort(sa);
        Arrays.sort(sb);
        if (sa.length > 0 && sb.length > 0) {
            System.out.printf("%-34s %8.2f %8.2f %8.2f %8.2f %8.2f%n", "    (b) percentile - (a) percentile",
                    (pct(sb, 50) - pct(sa, 50)) / 1e3, (pct(sb, 90) - pct(sa, 90)) / 1e3,
                    (pct(sb, 99) - pct(sa, 99)) / 1e3, (pct(sb, 99.9) - pct(sa, 99.9)) / 1e3,
                    (sb[sb.length - 1] - sa[sa.length - 1]) / 1e3);
        }
        System.out.printf("RESULT streams=%s sent=%d local_received=%d edge_received=%d edge_lost=%d"
                + " edge_p50_ms=%.2f edge_p99_ms=%.2f added_p50_ms=%.2f added_p99_ms=%.2f%n", w[2], inWindow.size(),
                a.length, b.length, inWindow.size() - b.length, p(b, 50), p(b, 99), p(added, 50), p(added, 99));
    }

    static long id(int stream, long seq) {
        return ((long) stream << 40) | seq;
    }

    /** Latency per packet sent in the window, from what a subscriber recorded (the sent time it carried). */
    static Map<Long, Long> latencies(Recorder r, Map<Long, Integer> inWindow) {
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < r.n; i++) {
            long id = id(r.stream[i], r.seq[i]);
            if (inWindow.containsKey(id)) {
                m.put(id, r.received[i] - r.sent[i]);
            }
        }
        return m;
    }

    static long[] values(Map<Long, Long> m, Integer track, Recorder sent, Map<Long, Integer> inWindow) {
        return m.entrySet().stream()
                .filter(e -> track == null || sent.track[inWindow.get(e.getKey())] == track)
                .mapToLong(Map.Entry::getValue).toArray();
    }

    static double p(long[] v, double pct) {
        if (v.length == 0) {
            return Double.NaN;
        }
        long[] s = v.clone();
        Arrays.sort(s);
        return pct(s, pct) / 1e3;
    }

    /** Nearest-rank percentile of sorted values. */
    static long pct(long[] sorted, double pct) {
        int rank = (int) Math.ceil(pct / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static void line(String label, long[] v, int expected) {
        if (v.length == 0) {
            System.out.printf("%-34s (none)%n", label);
            return;
        }
        long[] s = v.clone();
        Arrays.sort(s);
        System.out.printf("%-34s %8.2f %8.2f %8.2f %8.2f %8.2f %9d %6s%n", label, pct(s, 50) / 1e3, pct(s, 90) / 1e3,
                pct(s, 99) / 1e3, pct(s, 99.9) / 1e3, s[s.length - 1] / 1e3, s.length,
                expected < 0 ? "" : Long.toString(expected - s.length));
    }
}
