package io.aqueduct.hls.internal.stream;

import io.aqueduct.api.codec.AvcDecoderConfig;
import io.aqueduct.api.codec.H264Sps;
import io.aqueduct.api.codec.MalformedConfigException;
import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.hls.internal.playlist.InitSection;
import io.aqueduct.hls.internal.playlist.MediaPlaylistWriter;
import io.aqueduct.hls.internal.playlist.Part;
import io.aqueduct.hls.internal.playlist.Payload;
import io.aqueduct.hls.internal.playlist.Segment;
import io.aqueduct.hls.internal.segment.HlsSegmenter;
import io.aqueduct.hls.internal.segment.HlsSettings;
import io.aqueduct.hls.internal.ts.TsSegmentWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HLS rendering of one live stream: muxes what its {@link HlsSegmenter} decides into MPEG-TS segments and CMAF
 * parts, keeps a bounded window of them in memory and publishes an immutable {@link HlsSnapshot} after every part.
 *
 * <p>Threads: the segmenter's thread (one at a time) calls the listener methods, {@link #end()} and
 * {@link #restart}; HTTP threads read {@link #snapshot()} and park blocking requests with {@link #await}.
 */
public final class HlsStream implements HlsSegmenter.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(HlsStream.class);

    /** Segments kept beyond the playlist window, for players still downloading them. */
    static final int EXTRA_SEGMENTS = 2;

    private final StreamKey key;
    private final HlsSettings settings;
    private final Function<Collection<Track>, FragmentMuxer> muxers;
    private final LongSupplier wallClockMillis;
    private final LongSupplier nanoClock;
    private final PartLatency latency;
    private final DiskMirror disk;

    // segmenter thread only
    private final ArrayDeque<Segment> complete = new ArrayDeque<>();
    /** Track ids the muxers carry. */
    private final Set<Integer> carried = new HashSet<>();
    private Collection<Track> tracks = List.of();
    private TsSegmentWriter ts;
    /** Whether the current tracks have an MPEG-TS rendering; read by HTTP threads. */
    private volatile boolean tsAvailable = true;
    private FragmentMuxer fmp4;
    private InitSection init;
    private ByteBuf tsBuffer;
    private int fragmentSequence = 1;
    private Segment growing;
    private List<Part> growingParts = new ArrayList<>();
    private long discontinuities;
    private long longestSegmentMicros;
    /**
     * The earliest any packet of this run arrived relative to its timestamp (wall-clock arrival minus DTS, ms):
     * the program date time of a segment is this plus its start. Big frames (keyframes) take longer to arrive
     * than small ones, so the minimum over all packets is the best estimate of when the stream's frames really
     * became available.
     */
    private long arrivalOffsetMillis = Long.MAX_VALUE;
    /** Written by the muxing thread, read by the stats. */
    private volatile long muxErrors;
    private volatile String problem;
    /** What the current run's publisher said this stream is a rendition of; null for a stream in its own right. */
    private volatile StreamKey renditionOf;

    private final Object lock = new Object();
    private final List<Waiter> waiters = new ArrayList<>();
    private volatile HlsSnapshot snapshot;

    private record Waiter(Predicate<HlsSnapshot> ready, Runnable wake) {
    }

    public HlsStream(StreamKey key, HlsSettings settings, Function<Collection<Track>, FragmentMuxer> muxers,
            LongSupplier wallClockMillis, LongSupplier nanoClock) {
        this(key, settings, muxers, wallClockMillis, nanoClock, null);
    }

    /** @param diskRoot where to write the segments and playlists as files too; null for memory only */
    public HlsStream(StreamKey key, HlsSettings settings, Function<Collection<Track>, FragmentMuxer> muxers,
            LongSupplier wallClockMillis, LongSupplier nanoClock, Path diskRoot) {
        this.disk = diskRoot == null ? null : new DiskMirror(diskRoot, key);
        this.key = key;
        this.settings = settings;
        this.muxers = muxers;
        this.wallClockMillis = wallClockMillis;
        this.nanoClock = nanoClock;
        this.latency = new PartLatency();
        this.snapshot = new HlsSnapshot(key, List.of(), null, false, targetDuration(), settings, 0);
    }

    public StreamKey key() {
        return key;
    }

    /** The stream this one is a rendition of, as the publisher of its latest run said ({@link StreamInfo}). */
    public Optional<StreamKey> renditionOf() {
        return Optional.ofNullable(renditionOf);
    }

    /** Set when a run starts: a republish may say something else. */
    public void renditionOf(Optional<StreamKey> source) {
        renditionOf = source.orElse(null);
    }

    public HlsSnapshot snapshot() {
        return snapshot;
    }

    /** A playlist rendered from one snapshot; every request for that snapshot gets the same bytes. */
    private record Rendered(HlsSnapshot snapshot, byte[] bytes) {
    }

    private final AtomicReference<Rendered> classic = new AtomicReference<>();
    private final AtomicReference<Rendered> lowLatency = new AtomicReference<>();

    /** The classic playlist of the current snapshot, rendered once per snapshot. */
    public byte[] classicPlaylist() {
        return rendered(classic, HlsSnapshot::classicPlaylist);
    }

    /** The LL-HLS playlist of the current snapshot without rendition reports, rendered once per snapshot. */
    public byte[] lowLatencyPlaylist() {
        return rendered(lowLatency, s -> s.lowLatencyPlaylist(List.of()));
    }

    private byte[] rendered(AtomicReference<Rendered> cache, Function<HlsSnapshot, String> render) {
        HlsSnapshot s = snapshot;
        Rendered r = cache.get();
        if (r == null || r.snapshot() != s) {
            // two threads may render the same snapshot at once: same bytes, either may stay
            r = new Rendered(s, render.apply(s).getBytes(StandardCharsets.UTF_8));
            cache.set(r);
        }
        return r.bytes();
    }

    public PartLatency latency() {
        return latency;
    }

    /** Packets that could not be muxed (malformed payloads), skipped. */
    public long muxErrors() {
        return muxErrors;
    }

    /** What is wrong with this stream's media or its files, null when nothing. */
    public String problem() {
        return problem != null ? problem : disk != null ? disk.problem() : null;
    }

    /** The stream's memory is being freed: its files on disk go too. Call on the segmenter's thread or after it. */
    public void removeFiles() {
        if (disk != null) {
            disk.remove();
        }
    }

    /** A new segmenter for this stream's next run: the first one, or a republish that continues the playlist. */
    public HlsSegmenter newSegmenter(boolean expectVideo) {
        HlsSnapshot s = snapshot;
        boolean continues = !s.segments().isEmpty();
        long next = continues ? s.segments().get(s.segments().size() - 1).sequenceNumber() + 1 : 0;
        arrivalOffsetMillis = Long.MAX_VALUE;
        if (s.ended()) {
            publish(false);
        }
        return new HlsSegmenter(settings, next, continues, expectVideo, nanoClock, this);
    }

    @Override
    public void segmentStarted(long sequenceNumber, long startMicros, long arrivalNanos, boolean discontinuity,
            Collection<Track> t) {
        if (!t.equals(tracks) || fmp4 == null) {
            newMuxers(t);
        }
        if (discontinuity) {
            discontinuities++;
        }
        noteArrival(arrivalNanos, startMicros);
        if (ts != null) {
            tsBuffer = Unpooled.buffer(256 * 1024);
            ts.startSegment(tsBuffer);
        }
        growingParts = new ArrayList<>();
        growing = new Segment(sequenceNumber, startMicros, 0, discontinuity, discontinuities,
                arrivalOffsetMillis + startMicros / 1000, init, List.of(), null, null, false);
    }

    private void newMuxers(Collection<Track> t) {
        tracks = t;
        ts = null;
        fmp4 = null;
        init = null;
        carried.clear();
        List<Track> usable = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (Track track : t) {
            switch (track.codec()) {
                case H264, H265, AAC -> usable.add(track);
                case AMF0 -> { }
                default -> left.add(track.codec() + " " + track.mediaType().name().toLowerCase(Locale.ROOT));
            }
        }
        List<String> problems = new ArrayList<>();
        if (!left.isEmpty()) {
            problems.add(String.join(", ", left) + " of " + key + " is not carried in HLS (H.264, HEVC and AAC are); "
                    + "the rest of the stream is served");
        }
        try {
            fmp4 = muxers.apply(usable);
            int[] size = videoSize(usable);
            init = InitSection.of(fmp4.initSegment(), fmp4.codecs(), size[0], size[1]);
            usable.forEach(track -> carried.add(track.id()));
        } catch (IllegalArgumentException e) {
            problems.add("cannot package " + key + " as HLS: " + e.getMessage());
        }
        if (fmp4 != null) {
            try {
                ts = new TsSegmentWriter(usable);
            } catch (IllegalArgumentException e) {
                // HEVC: Apple's HLS carries it in fMP4 only, so only ll.m3u8 serves it
                LOG.debug("{}: no MPEG-TS rendering: {}", key, e.getMessage());
            }
        }
        tsAvailable = ts != null;
        problem = problems.isEmpty() ? null : String.join("; ", problems);
        if (problem != null) {
            LOG.warn("{}", problem);
        }
    }

    /** Whether the classic (MPEG-TS) playlist can serve this stream: H.264 and AAC only. */
    public boolean hasTs() {
        return tsAvailable;
    }

    private void noteArrival(long arrivalNanos, long dtsMicros) {
        long arrivedMillis = wallClockMillis.getAsLong() - (nanoClock.getAsLong() - arrivalNanos) / 1_000_000;
        arrivalOffsetMillis = Math.min(arrivalOffsetMillis, arrivedMillis - dtsMicros / 1000);
    }

    /** Width and height of the video track: from the track, else from its SPS; zeros without video. */
    private static int[] videoSize(Collection<Track> tracks) {
        for (Track t : tracks) {
            if (t.width() > 0 && t.height() > 0) {
                return new int[] {t.width(), t.height()};
            }
            if (t.codec() == Codec.H264 && t.hasConfig()) {
                try {
                    H264Sps sps = AvcDecoderConfig.parse(t.config()).first();
                    return new int[] {sps.width(), sps.height()};
                } catch (MalformedConfigException e) {
                    return new int[2];
                }
            }
        }
        return new int[2];
    }

    @Override
    public void partCompleted(List<MediaPacket> packets, long[] arrivalNanos, long startMicros, long endMicros,
            boolean independent) {
        try {
            if (fmp4 == null || growing == null) {
                return;
            }
            List<MediaPacket> good = new ArrayList<>(packets.size());
            for (MediaPacket p : packets) {
                if (!carried.contains(p.track().id())) {
                    continue;
                }
                try {
                    if (ts != null) {
                        ts.write(p, tsBuffer);
                    }
                    good.add(p);
                } catch (IllegalArgumentException e) {
                    muxErrors++;
                    LOG.debug("{}: skipped a packet that cannot be muxed: {}", key, e.getMessage());
                }
            }
            if (good.isEmpty()) {
                return;
            }
            byte[] data = fmp4.fragment(fragmentSequence++, good, endMicros);
            growingParts.add(new Part(growing.sequenceNumber(), growingParts.size(), startMicros,
                    endMicros - startMicros, independent, Payload.copyOf(data)));
            growing = withParts(growing, endMicros - growing.startMicros(), null, null, false);
            publish(false);
            long now = nanoClock.getAsLong();
            for (int i = 0; i < arrivalNanos.length; i++) {
                latency.record(now - arrivalNanos[i]);
                noteArrival(arrivalNanos[i], packets.get(i).dts());
            }
        } finally {
            packets.forEach(MediaPacket::release);
        }
    }

    @Override
    public void segmentCompleted(long endMicros) {
        Segment g = growing;
        growing = null;
        ByteBuf buffer = tsBuffer;
        tsBuffer = null;
        try {
            if (g == null || growingParts.isEmpty()) {
                return;
            }
            long duration = endMicros - g.startMicros();
            longestSegmentMicros = Math.max(longestSegmentMicros, duration);
            // the segment's parts move into one buffer, which serves the whole segment; the parts become views of it
            Payload fmp4 = Payload.concat(growingParts.stream().map(Part::data).toList());
            List<Part> parts = new ArrayList<>(growingParts.size());
            int offset = 0;
            for (Part p : growingParts) {
                parts.add(new Part(p.sequenceNumber(), p.index(), p.startMicros(), p.durationMicros(),
                        p.independent(), fmp4.slice(offset, p.data().size())));
                offset += p.data().size();
            }
            growingParts = parts;
            Payload ts = buffer == null ? null : Payload.copyOf(buffer.nioBuffer());
            complete.addLast(withParts(g, duration, ts, fmp4, true));
            while (complete.size() > settings.windowSegments() + EXTRA_SEGMENTS) {
                complete.removeFirst();
            }
            publish(false);
            if (disk != null) {
                disk.segmentCompleted(snapshot, tsAvailable ? classicPlaylist() : null);
            }
        } finally {
            if (buffer != null) {
                buffer.release();
            }
        }
    }

    private Segment withParts(Segment s, long duration, Payload ts, Payload fmp4, boolean done) {
        return new Segment(s.sequenceNumber(), s.startMicros(), duration, s.discontinuity(),
                s.discontinuitySequence(), s.programDateTimeMillis(), s.init(), growingParts, ts, fmp4, done);
    }

    /** The stream ended: its playlists get EXT-X-ENDLIST, every parked request is answered. */
    public void end() {
        if (tsBuffer != null) {
            tsBuffer.release();
            tsBuffer = null;
        }
        growing = null;
        publish(true);
        if (disk != null) {
            disk.ended(snapshot, tsAvailable ? classicPlaylist() : null);
        }
    }

    private int targetDuration() {
        return MediaPlaylistWriter.targetDurationSeconds(settings.targetDurationMicros(), longestSegmentMicros);
    }

    private void publish(boolean ended) {
        HlsSnapshot next = new HlsSnapshot(key, List.copyOf(complete), growing, ended, targetDuration(), settings,
                snapshot.version() + 1);
        List<Runnable> wake = new ArrayList<>();
        synchronized (lock) {
            snapshot = next;
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (ended || w.ready().test(next)) {
                    it.remove();
                    wake.add(w.wake());
                }
            }
        }
        wake.forEach(HlsStream::run);
    }

    /**
     * Parks a request until {@code ready} holds for a published snapshot (or the stream ends, or {@link #wakeAll()}).
     *
     * @return false when it holds already (nothing is parked; go on at once)
     */
    public boolean await(Predicate<HlsSnapshot> ready, Runnable wake) {
        synchronized (lock) {
            if (snapshot.ended() || ready.test(snapshot)) {
                return false;
            }
            waiters.add(new Waiter(ready, wake));
            return true;
        }
    }

    /** Forgets a parked request (it timed out); true when it was still parked. */
    public boolean cancel(Runnable wake) {
        synchronized (lock) {
            return waiters.removeIf(w -> w.wake() == wake);
        }
    }

    /** Answers every parked request, for a stream that goes away. */
    public void wakeAll() {
        List<Runnable> wake;
        synchronized (lock) {
            wake = waiters.stream().map(Waiter::wake).toList();
            waiters.clear();
        }
        wake.forEach(HlsStream::run);
    }

    public int parked() {
        synchronized (lock) {
            return waiters.size();
        }
    }

    private static void run(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("Waking a parked HLS request failed", e);
        }
    }
}
