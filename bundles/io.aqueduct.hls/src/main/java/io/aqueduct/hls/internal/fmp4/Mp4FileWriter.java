package io.aqueduct.hls.internal.fmp4;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * Records a stream to a fragmented MP4 file that stays playable while it grows and after a crash.
 *
 * <p>{@link #create} writes the init segment; every {@link #append} writes one movie fragment straight to the
 * file through a {@link FileChannel} (into the operating system's cache, not a Java buffer), so if the process is
 * killed the file holds the init segment and every whole fragment appended so far, which players read as they
 * are. {@link #close()} then makes the file a finished one: it patches the durations reserved in {@code mvhd},
 * {@code tkhd}, {@code mdhd} and {@code mehd} (64-bit fields, so patching never moves a byte) and appends an
 * {@code mfra} that lists, per track, every fragment that starts with a sync sample, so players can seek without
 * reading every {@code moof}.
 *
 * <p>Timestamps are rebased: the earliest decoding time of the first fragment is time 0 of the file.
 *
 * <p>Not thread-safe. Packets are read, never released.
 */
public final class Mp4FileWriter implements Closeable {
    private final Path file;
    private final FileChannel channel;
    private final Fmp4Muxer muxer;
    private final InitSegment init;
    /** Per track (init order): the end of its last sample in ticks of its timescale, from time 0 of the file. */
    private final long[] trackEnd;
    /** Per track: the random access points for its {@code tfra}. */
    private final List<List<RandomAccessPoint>> randomAccess;
    private long origin = -1;
    private long position;
    private int sequenceNumber;
    private boolean closed;

    private Mp4FileWriter(Path file, FileChannel channel, Fmp4Muxer muxer, InitSegment init) {
        this.file = file;
        this.channel = channel;
        this.muxer = muxer;
        this.init = init;
        int tracks = muxer.formats().size();
        this.trackEnd = new long[tracks];
        this.randomAccess = new ArrayList<>(tracks);
        for (int i = 0; i < tracks; i++) {
            randomAccess.add(new ArrayList<>());
        }
    }

    /**
     * Creates {@code file} (it must not exist: a recording never overwrites another) and writes the init segment.
     *
     * @throws IllegalArgumentException for tracks {@link Fmp4Muxer} refuses; no file is created then
     * @throws IOException when the file cannot be created or written; a partly written file is deleted
     */
    public static Mp4FileWriter create(Path file, Collection<Track> tracks) throws IOException {
        Fmp4Muxer muxer = new Fmp4Muxer(tracks);
        InitSegment init = InitSegment.write(muxer.formats(), true);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Mp4FileWriter writer = new Mp4FileWriter(file, channel, muxer, init);
        try {
            writer.writeAtEnd(init.bytes());
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return writer;
    }

    /**
     * Appends one movie fragment holding {@code packets} (see {@link Fmp4Muxer#muxFragment(int, List, long)} for
     * how samples are timed). A list without packets of the recorded tracks appends nothing.
     *
     * @throws IllegalArgumentException for packets the muxer refuses (decoding before the start of the file
     *     included); nothing is written then
     * @throws IOException when writing fails; the file is cut back to the fragments before this one
     * @throws IllegalStateException after {@link #close()}
     */
    public void append(List<MediaPacket> packets, long endMicros) throws IOException {
        if (closed) {
            throw new IllegalStateException("recording " + file + " is closed");
        }
        OptionalLong earliest = muxer.earliestDts(packets);
        if (earliest.isEmpty()) {
            return;
        }
        long start = origin >= 0 ? origin : earliest.getAsLong();
        Fragment fragment = muxer.muxFragment(sequenceNumber + 1, packets, endMicros, start);
        long fragmentStart = position;
        try {
            writeAtEnd(fragment.bytes());
        } catch (IOException e) {
            try {
                channel.truncate(fragmentStart);
                position = fragmentStart;
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        origin = start;
        sequenceNumber++;
        for (Fragment.TrackRun run : fragment.runs()) {
            int track = run.trackId() - 1; // the muxer numbers its tracks from 1 in init order
            trackEnd[track] = Math.max(trackEnd[track], run.endDecodeTime());
            if (run.startsWithSync()) {
                randomAccess.get(track).add(new RandomAccessPoint(run.baseDecodeTime(), fragmentStart,
                        run.trafNumber()));
            }
        }
    }

    /** Bytes in the file so far. */
    public long bytesWritten() {
        return position;
    }

    /** The duration recorded so far: the end of the longest track, from the first sample. */
    public long durationMicros() {
        long longest = 0;
        for (int i = 0; i < trackEnd.length; i++) {
            longest = Math.max(longest, MediaTime.toMicros(trackEnd[i], muxer.formats().get(i).timescale()));
        }
        return longest;
    }

    /** Fragments appended so far. */
    public int fragments() {
        return sequenceNumber;
    }

    public Path file() {
        return file;
    }

    /**
     * Patches the durations, appends the {@code mfra} and closes the file. Closing again does nothing.
     *
     * @throws IOException when patching or writing fails; the file is closed all the same, and keeps the
     *     fragments written, so it still plays
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            patchDurations();
            writeAtEnd(mfra());
        }
    }

    private void patchDurations() throws IOException {
        long movieDuration = 0;
        for (int i = 0; i < trackEnd.length; i++) {
            int timescale = muxer.formats().get(i).timescale();
            long trackDuration = MediaTime.rescale(trackEnd[i], timescale, InitSegment.MOVIE_TIMESCALE);
            movieDuration = Math.max(movieDuration, trackDuration);
            patch(init.tkhdDuration()[i], trackDuration);
            patch(init.mdhdDuration()[i], trackEnd[i]);
        }
        patch(init.mvhdDuration(), movieDuration);
        patch(init.mehdDuration(), movieDuration);
    }

    private void patch(int offset, long value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).putLong(0, value);
        while (b.hasRemaining()) {
            channel.write(b, offset + b.position());
        }
    }

    /**
     * The movie fragment random access box (ISO/IEC 14496-12 8.8.9): a {@code tfra} per track (version 1, 64-bit
     * time and moof offset; one-byte traf, trun and sample numbers) and the {@code mfro} that gives the size of
     * the whole {@code mfra}, so a reader finds it from the end of the file.
     */
    private byte[] mfra() {
        BoxWriter w = new BoxWriter(256);
        int mfra = w.start("mfra");
        for (int i = 0; i < trackEnd.length; i++) {
            int tfra = w.startFull("tfra", 1, 0);
            w.u32(muxer.formats().get(i).trackId());
            w.u32(0); // reserved, and traf/trun/sample number sizes of 1 byte each
            List<RandomAccessPoint> points = randomAccess.get(i);
            w.u32(points.size());
            for (RandomAccessPoint p : points) {
                w.u64(p.time()).u64(p.moofOffset());
                w.u8(p.trafNumber()).u8(1).u8(1); // trun_number, sample_number: the first sample of the run
            }
            w.end(tfra);
        }
        int mfro = w.startFull("mfro", 0, 0);
        w.u32(0);
        w.end(mfro);
        w.end(mfra);
        w.setU32(w.size() - 4, w.size()); // mfro's size field: the mfra's size, mfro included
        return w.toByteArray();
    }

    private void writeAtEnd(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            position += channel.write(b, position);
        }
    }

    /** A fragment whose run of one track starts with a sync sample: decoding time, where its moof starts. */
    private record RandomAccessPoint(long time, long moofOffset, int trafNumber) {
    }
}
