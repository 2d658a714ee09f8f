package io.aqueduct.itests.system;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An RTMP player that notes when each packet arrives: the ffmpeg CLI plays the stream and copies it
 * ({@code -c copy}) as FLV to its standard output, flushing after every packet; a thread here reads the FLV tags
 * (Adobe's Video File Format Specification 10.1, annex E) and keeps each one's arrival time and timestamp. ffmpeg's RTMP client never reconnects: when the connection ends, the process
 * ends, so a player still running has been on one connection all along.
 */
final class LivePlayer implements AutoCloseable {
    static final int AUDIO = 8;
    static final int VIDEO = 9;

    /** One FLV tag: its type (8 audio, 9 video, 18 script), when it arrived ({@link System#nanoTime}), its timestamp. */
    record Packet(int type, long arrivalNanos, long timestampMs) {
    }

    private final Process process;
    private final Path log;
    private final List<Packet> packets = new ArrayList<>();
    private final Thread reader;
    private volatile String readerEnd;

    private LivePlayer(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::read, "live-player-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts playing {@code url}; ffmpeg's own messages go to a file in {@code dir}. */
    static LivePlayer play(Path dir, String url) throws IOException {
        Path log = Files.createTempFile(dir, "player-", ".log");
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                "-i", url, "-c", "copy", "-flush_packets", "1", "-f", "flv", "pipe:1")
                .redirectError(log.toFile()).start();
        p.getOutputStream().close();
        return new LivePlayer(p, log);
    }

    private void read() {
        try (DataInputStream in = new DataInputStream(process.getInputStream())) {
            byte[] header = new byte[9];
            in.readFully(header);
            if (header[0] != 'F' || header[1] != 'L' || header[2] != 'V') {
                readerEnd = "not FLV: " + new String(header, 0, 3, java.nio.charset.StandardCharsets.ISO_8859_1);
                return;
            }
            in.skipNBytes(readInt(header, 5) - 9L + 4); // the rest of the header, PreviousTagSize0
            byte[] tag = new byte[11];
            while (true) {
                in.readFully(tag);
                int type = tag[0] & 0x1f;
                int size = (tag[1] & 0xff) << 16 | (tag[2] & 0xff) << 8 | tag[3] & 0xff;
                long timestamp = (tag[7] & 0xffL) << 24 | (tag[4] & 0xff) << 16 | (tag[5] & 0xff) << 8 | tag[6] & 0xff;
                in.skipNBytes(size + 4L); // the body, PreviousTagSize
                long now = System.nanoTime();
                synchronized (packets) {
                    packets.add(new Packet(type, now, timestamp));
                }
            }
        } catch (EOFException e) {
            readerEnd = "end of stream";
        } catch (IOException e) {
            readerEnd = e.toString();
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Every packet so far, in arrival order. */
    List<Packet> packets() {
        synchronized (packets) {
            return List.copyOf(packets);
        }
    }

    /** Packets of one type that arrived at or after {@code sinceNanos}. */
    List<Packet> packets(int type, long sinceNanos) {
        return packets().stream().filter(p -> p.type() == type && p.arrivalNanos() >= sinceNanos).toList();
    }

    /** A wait for video: how long, and when it ended ({@link System#nanoTime}). */
    record Gap(long millis, long endNanos) {
    }

    /**
     * The longest wait between two video packets arriving over {@code [fromNanos, toNanos]}: the last packet before
     * {@code fromNanos} counts as the start and the end of the interval as the last arrival, so a stall at either
     * edge counts too.
     */
    Gap largestVideoGap(long fromNanos, long toNanos) {
        long previous = fromNanos;
        long largest = 0;
        long end = fromNanos;
        for (Packet p : packets()) {
            if (p.type() != VIDEO) {
                continue;
            }
            if (p.arrivalNanos() < fromNanos) {
                previous = p.arrivalNanos();
                continue;
            }
            if (p.arrivalNanos() > toNanos) {
                break;
            }
            if (p.arrivalNanos() - previous > largest) {
                largest = p.arrivalNanos() - previous;
                end = p.arrivalNanos();
            }
            previous = p.arrivalNanos();
        }
        if (toNanos - previous > largest) {
            largest = toNanos - previous;
            end = toNanos;
        }
        return new Gap(TimeUnit.NANOSECONDS.toMillis(largest), end);
    }

    /** {@link #largestVideoGap}, in milliseconds. */
    long largestVideoGapMillis(long fromNanos, long toNanos) {
        return largestVideoGap(fromNanos, toNanos).millis();
    }

    /** Describes the first video timestamp that goes backwards (as after a new connection), or null. */
    String videoTimestampReset() {
        long last = -1;
        for (Packet p : packets()) {
            if (p.type() == VIDEO) {
                if (p.timestampMs() < last) {
                    return "video timestamp " + p.timestampMs() + " ms after " + last + " ms";
                }
                last = p.timestampMs();
            }
        }
        return null;
    }

    /** ffmpeg's messages and how reading its output ended, for failure messages. */
    String describe() throws IOException {
        return "player " + (process.isAlive() ? "running" : "exited with " + process.exitValue()) + ", "
                + packets().size() + " packets" + (readerEnd == null ? "" : ", output ended: " + readerEnd)
                + ", ffmpeg said: " + Files.readString(log);
    }

    /** Stops an ffmpeg run (a publisher): SIGTERM, on which ffmpeg ends its output cleanly, then SIGKILL. */
    static void stop(Ffmpeg.Run run) throws InterruptedException {
        if (run != null) {
            run.process().destroy();
            if (!run.process().waitFor(10, TimeUnit.SECONDS)) {
                run.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5_000);
    }
}
