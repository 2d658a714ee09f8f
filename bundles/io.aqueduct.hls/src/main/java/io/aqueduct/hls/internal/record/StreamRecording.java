package io.aqueduct.hls.internal.record;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.hls.internal.fmp4.Mp4FileWriter;
import io.aqueduct.hls.internal.segment.HlsSegmenter;
import io.aqueduct.hls.internal.segment.HlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one live stream to fragmented MP4 under {@code <dir>/<app>/<stream>-<UTC time>.mp4}: it starts at a
 * keyframe (the segmenter's rules, audio before the first keyframe included), writes one movie fragment about every
 * second, and closes the file properly when the stream or the recording ends. A new codec configuration closes the
 * file and starts the next one. A write that fails (disk full, permissions) ends the recording with the reason kept
 * for {@code /health}; the file written so far stays readable.
 *
 * <p>Fed from one thread at a time ({@link #accept}, {@link #end}); the accessors may be read from any thread.
 */
public final class StreamRecording implements HlsSegmenter.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRecording.class);
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    /** Fragments of about a second: little overhead, and at most a second lost when the node dies. */
    static final HlsSettings FRAGMENTS = new HlsSettings(2_000_000, 1_000_000, 2, 1_000_000);

    private final StreamKey key;
    private final Path directory;
    private final LongSupplier wallClockMillis;
    private final HlsSegmenter segmenter;
    private final List<Path> files = new ArrayList<>();
    private Mp4FileWriter writer;
    private Collection<Track> tracks = List.of();
    private volatile String failure;
    private volatile long startMicros = -1;
    private volatile boolean ended;
    private boolean segmenterEnded;

    public StreamRecording(StreamKey key, Path directory, LongSupplier wallClockMillis) {
        this.key = key;
        this.directory = directory;
        this.wallClockMillis = wallClockMillis;
        this.segmenter = new HlsSegmenter(FRAGMENTS, 0, false, false, System::nanoTime, this);
    }

    public StreamKey key() {
        return key;
    }

    public void accept(MediaPacket packet) {
        if (!ended) {
            segmenter.accept(packet);
        }
    }

    /** Finishes the file: the stream ended or the recording was stopped. */
    public void end() {
        try {
            if (!segmenterEnded) {
                segmenterEnded = true;
                segmenter.end();
            }
        } finally {
            ended = true;
            closeFile();
        }
    }

    public boolean isEnded() {
        return ended;
    }

    /** Why the recording stopped early, null when it did not. */
    public String failure() {
        return failure;
    }

    /** The files this recording has written, the current one last. */
    public synchronized List<Path> files() {
        return List.copyOf(files);
    }

    /** Where in the stream the current file starts (stream time, seconds); -1 before it does. */
    public double startSeconds() {
        long s = startMicros;
        return s < 0 ? -1 : s / 1e6;
    }

    /** Seconds of media in the current file. */
    public synchronized double seconds() {
        return writer == null ? 0 : writer.durationMicros() / 1e6;
    }

    @Override
    public void segmentStarted(long sequenceNumber, long startMicros, long arrivalNanos, boolean discontinuity,
            Collection<Track> t) {
        if (writer != null && t.equals(tracks) && !discontinuity) {
            return;
        }
        // a new configuration, or timestamps that jumped: the next file
        closeFile();
        tracks = t;
        try {
            Path file = newFile();
            synchronized (this) {
                writer = Mp4FileWriter.create(file, t);
                files.add(file);
            }
            this.startMicros = startMicros;
            LOG.info("Recording {} to {}", key, file);
        } catch (IOException | IllegalArgumentException e) {
            fail("cannot start the recording of " + key + " in " + directory + ": " + e.getMessage());
        }
    }

    private Path newFile() throws IOException {
        Path dir = directory.resolve(key.app());
        Files.createDirectories(dir);
        String base = key.name() + "-" + NAME_TIME.format(Instant.ofEpochMilli(wallClockMillis.getAsLong()));
        Path file = dir.resolve(base + ".mp4");
        for (int n = 2; Files.exists(file); n++) {
            file = dir.resolve(base + "-" + n + ".mp4");
        }
        return file;
    }

    @Override
    public void partCompleted(List<MediaPacket> packets, long[] arrivalNanos, long startMicros, long endMicros,
            boolean independent) {
        try {
            if (writer != null) {
                synchronized (this) {
                    writer.append(packets, endMicros);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            fail("the recording of " + key + " stopped: cannot write " + writer.file() + ": " + e.getMessage());
        } finally {
            packets.forEach(MediaPacket::release);
        }
    }

    @Override
    public void segmentCompleted(long endMicros) {
    }

    private void fail(String message) {
        failure = message;
        LOG.error("{}", message);
        ended = true;
        closeFile();
    }

    private synchronized void closeFile() {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
            LOG.info("Recorded {} to {}: {} s, {} bytes", key, writer.file(),
                    String.format(java.util.Locale.ROOT, "%.1f", writer.durationMicros() / 1e6), writer.bytesWritten());
        } catch (IOException e) {
            failure = "cannot finish " + writer.file() + ": " + e.getMessage() + " (readable up to its last fragment)";
            LOG.error("{}", failure);
        }
        writer = null;
    }
}
