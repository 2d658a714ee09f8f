package io.aqueduct.edge.internal.edge;

import io.aqueduct.api.log.LogSafe;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
import io.aqueduct.api.stream.StreamAlreadyLiveException;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream pulled from an origin and republished into this edge's hub, where all its viewers share it.
 *
 * <p>{@link #open} subscribes through the origin's {@link RelayClient}; when the origin confirms the stream (STREAM)
 * the stream is published into the edge hub under the same key, and every relayed packet is sent into that
 * publication as it arrives. The publication is closed when the origin ends the stream and by {@link #close()}; the
 * edge's viewers then hear that the publisher left.
 *
 * <p><b>Interruptions.</b> When the connection to the origin is lost while the stream is live here, a stream opened
 * with an {@code onInterrupted} callback keeps its publication open (the edge's players stay connected and wait)
 * and tells the callback; the owner finds where the stream lives now and calls {@link #resume} with a connection to
 * that origin, as often as needed, or {@link #close()} when it gives up. The resumed packets go on on this stream's
 * time line:
 * <ul>
 * <li>From the same origin, starting at or before the last packet sent here and no more than
 *     {@value #REPLAY_WINDOW_MICROS} us before it, they are the same publication replayed from the origin's GOP
 *     cache: what was sent already is dropped and the stream goes on seamlessly.
 * <li>Otherwise (a republish, on this or another origin, whose timestamps start anew) every packet is moved so that
 *     the first comes as long after the last packet sent here as the interruption lasted in wall time (at least
 *     {@value #MIN_GAP_MICROS} us), and the first packet of each track is marked
 *     {@linkplain MediaPacket#isDiscontinuity() a discontinuity}: RTMP players get increasing timestamps and go on,
 *     HLS cuts a segment there and marks the discontinuity.
 * </ul>
 *
 * <p>Handler calls come on the relay clients' event loops, the owner's calls from its own threads: the state is
 * guarded by this object's lock, which also keeps the publication used by one thread at a time.
 */
public final class RelayedStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayedStream.class);
    /** How far before the last packet sent here a replay from the same origin may start (its GOP cache). */
    static final long REPLAY_WINDOW_MICROS = 10_000_000;
    /** The least time-line gap left before a resumed stream (audio may come a little before the keyframe). */
    static final long MIN_GAP_MICROS = 200_000;

    private final StreamHub hub;
    private final StreamKey key;
    private final Consumer<String> onEnd;
    private final Consumer<String> onInterrupted;
    private final LongSupplier nanoClock;

    // guarded by this
    private Upstream upstream;
    private Publication publication;
    private boolean finished;
    private String originId;
    /** Highest decoding timestamp sent into the publication, overall and per track; when the last one was sent. */
    private long lastDts = Long.MIN_VALUE;
    private final Map<Integer, Long> lastTrackDts = new HashMap<>();
    private long lastSentNanos;
    private volatile long interruptedNanos;
    private int resumes;

    private volatile boolean live;
    private volatile boolean interrupted;
    private volatile long packets;
    private volatile int announcedTracks;

    /** One subscription through one relay client; a resume makes a new one and the old one's calls are ignored. */
    private final class Upstream implements RelayClient.StreamHandler {
        final RelayClient client;
        final boolean resumed;
        RelayClient.RelaySubscription subscription;
        /** Set by the first packet of a resumed subscription. */
        boolean aligned;
        boolean replay;
        long offset;
        final Set<Integer> marked = new HashSet<>();

        Upstream(RelayClient client, boolean resumed) {
            this.client = client;
            this.resumed = resumed;
        }

        @Override
        public void start(StreamKey k, Optional<StreamKey> renditionOf, List<Track> tracks) {
            started(this, renditionOf, tracks);
        }

        @Override
        public void packet(MediaPacket packet) {
            received(this, packet);
        }

        @Override
        public void end(String reason) {
            upstreamEnded(this, "ended on the origin: " + reason, false);
        }

        @Override
        public void notFound(String reason) {
            upstreamEnded(this, "not found on the origin: " + reason, true);
        }

        @Override
        public void lost(String reason) {
            upstreamEnded(this, "lost the origin: " + reason, true);
        }
    }

    private RelayedStream(StreamHub hub, StreamKey key, Consumer<String> onEnd, Consumer<String> onInterrupted,
            LongSupplier nanoClock) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.key = Objects.requireNonNull(key, "key");
        this.onEnd = Objects.requireNonNull(onEnd, "onEnd");
        this.onInterrupted = onInterrupted;
        this.nanoClock = nanoClock;
    }

    /** Starts pulling {@code key} from the client's origin into {@code hub}; the stream ends when the origin is lost. */
    public static RelayedStream open(RelayClient client, StreamHub hub, StreamKey key, Consumer<String> onEnd) {
        return open(client, hub, key, onEnd, null, System::nanoTime);
    }

    /**
     * Starts pulling {@code key} from the client's origin into {@code hub}.
     *
     * @param onEnd told once, on a relay client's event loop, why the relayed stream ended when it ends other than by
     *        {@link #close()}: not live on the origin, ended there, the connection lost before the stream was live
     *        here (or at all, without {@code onInterrupted}), or the key already live on this edge
     * @param onInterrupted null, or told (on a relay client's event loop) each time the stream, live here, lost its
     *        origin or a resume did not find it: the publication stays open until {@link #resume} or
     *        {@link #close()}
     */
    public static RelayedStream open(RelayClient client, StreamHub hub, StreamKey key, Consumer<String> onEnd,
            Consumer<String> onInterrupted, LongSupplier nanoClock) {
        RelayedStream s = new RelayedStream(hub, key, onEnd, onInterrupted, nanoClock);
        s.subscribe(Objects.requireNonNull(client, "client"), false);
        return s;
    }

    private void subscribe(RelayClient client, boolean resumed) {
        Upstream u = new Upstream(client, resumed);
        synchronized (this) {
            upstream = u;
            // The handler runs on the event loop, after this block: it waits for the lock.
            u.subscription = client.subscribe(key, u);
        }
    }

    /**
     * Pulls the interrupted stream again, from the origin of {@code client}; the publication goes on. Ignored unless
     * the stream is {@linkplain #isInterrupted() interrupted}.
     */
    public void resume(RelayClient client) {
        synchronized (this) {
            if (finished || !interrupted) {
                return;
            }
            resumes++;
        }
        subscribe(Objects.requireNonNull(client, "client"), true);
    }

    public StreamKey key() {
        return key;
    }

    /** True while the stream is published in the edge hub (also while it is interrupted). */
    public boolean isLive() {
        return live;
    }

    /** True while the stream waits for its origin to be found again (its publication is held open). */
    public boolean isInterrupted() {
        return interrupted;
    }

    /** How long the current interruption has lasted, 0 when the stream is not interrupted. */
    public long interruptedMillis() {
        return interrupted ? (nanoClock.getAsLong() - interruptedNanos) / 1_000_000 : 0;
    }

    /** How many tracks the origin announced when the relay started (0 before). */
    public int announcedTracks() {
        return announcedTracks;
    }

    /** Packets republished so far. */
    public long packets() {
        return packets;
    }

    private synchronized void started(Upstream u, Optional<StreamKey> renditionOf, List<Track> tracks) {
        if (finished || u != upstream) {
            return;
        }
        if (u.resumed) {
            interrupted = false;
            long ms = (nanoClock.getAsLong() - interruptedNanos) / 1_000_000;
            LOG.info("relaying {} again, from origin {} ({}), {} ms after the interruption", key,
                    LogSafe.value(u.client.originId()), u.client.origin(), ms);
            return;
        }
        originId = u.client.originId();
        try {
            // a rendition on the origin is one here too: the edge's master playlist lists it with its source
            publication = hub.publish(key, renditionOf.map(PublishOptions.DEFAULTS::withRenditionOf)
                    .orElse(PublishOptions.DEFAULTS));
        } catch (StreamAlreadyLiveException e) {
            LOG.warn("cannot republish {} from origin {}: {}", key, LogSafe.value(originId),
                    LogSafe.text(e.getMessage()));
            u.subscription.close();
            finish("already live on this edge");
            return;
        }
        announcedTracks = tracks.size();
        live = true;
        LOG.info("relaying {} from origin {} ({}) with tracks {}", key, LogSafe.value(originId), u.client.origin(),
                tracks);
    }

    private synchronized void received(Upstream u, MediaPacket packet) {
        if (finished || u != upstream || publication == null) {
            packet.release();
            return;
        }
        MediaPacket p = u.resumed ? align(u, packet) : packet;
        if (p == null) {
            return;
        }
        lastDts = Math.max(lastDts, p.dts());
        lastTrackDts.merge(p.track().id(), p.dts(), Math::max);
        lastSentNanos = nanoClock.getAsLong();
        publication.send(p);
        packets++;
    }

    /** A packet of a resumed subscription on this stream's time line, or null when it was sent already. */
    private MediaPacket align(Upstream u, MediaPacket packet) {
        if (!u.aligned) {
            u.aligned = true;
            long first = packet.dts();
            u.replay = lastDts != Long.MIN_VALUE && Objects.equals(u.client.originId(), originId)
                    && first <= lastDts && first >= lastDts - REPLAY_WINDOW_MICROS;
            if (!u.replay && lastDts != Long.MIN_VALUE) {
                long gap = Math.max(MIN_GAP_MICROS, (nanoClock.getAsLong() - lastSentNanos) / 1_000);
                u.offset = lastDts + gap - first;
            }
            originId = u.client.originId();
            LOG.info("{} resumed {}", key, u.replay ? "where it was (the origin replays its GOP cache)"
                    : "on a new time line, moved by " + u.offset / 1000 + " ms to follow the old one");
        }
        if (u.replay) {
            Long last = lastTrackDts.get(packet.track().id());
            if (last != null && packet.dts() <= last) {
                packet.release();
                return null;
            }
            return packet;
        }
        return packet.shifted(u.offset, u.marked.add(packet.track().id()));
    }

    private synchronized void upstreamEnded(Upstream u, String reason, boolean interruption) {
        if (finished || u != upstream) {
            return;
        }
        if (interruption && live && onInterrupted != null) {
            if (!interrupted) {
                interruptedNanos = nanoClock.getAsLong();
                interrupted = true;
                LOG.info("relayed stream {} interrupted ({}): its viewers wait while it is looked for", key,
                        LogSafe.text(reason));
            }
            upstream = null;
            onInterrupted.accept(reason);
            return;
        }
        finish(reason);
    }

    /** Stops the pull and ends the stream in the edge hub; {@code onEnd} is not called. */
    @Override
    public void close() {
        Upstream u;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            u = upstream;
            upstream = null;
            closePublication();
        }
        if (u != null) {
            u.subscription.close();
        }
    }

    private void finish(String reason) {
        finished = true;
        upstream = null;
        closePublication();
        LOG.info("relayed stream {} ends: {}", key, LogSafe.text(reason));
        onEnd.accept(reason);
    }

    private void closePublication() {
        live = false;
        interrupted = false;
        if (publication != null) {
            publication.close();
            publication = null;
        }
    }

    @Override
    public synchronized String toString() {
        return "RelayedStream(" + key + (interrupted ? ", interrupted" : live ? ", live" : "") + ", " + packets
                + " packets, " + resumes + " resumes)";
    }
}
