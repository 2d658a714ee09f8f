package io.aqueduct.hls.internal.segment;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides where one live stream's segments and LL-HLS partial segments begin and end; muxing is the listener's.
 *
 * <p><b>Segments</b> start at a video keyframe (any audio frame for an audio-only stream). Stream time is divided
 * into slots of the target duration, shifted by half a slot ({@code slot(t) = floor((t + T/2) / T)}), and a
 * segment is cut at the first keyframe in a later slot than the one its segment started in. The first segment's
 * media sequence number is the slot of its first keyframe, and each cut adds one. With a keyframe interval of at
 * most the target duration every slot holds exactly one cut, so sequence numbers equal slots: every node that
 * receives the same stream (an edge that joined late included) derives the same numbers and names from the
 * timestamps alone. The half-slot shift keeps keyframes that jitter around multiples of T (2.000 s, 3.999 s,
 * 6.001 s) in the slot they belong to.
 *
 * <p><b>Parts</b> are cut on the clock track (video, or audio when there is none) so that no part outlasts the part
 * target: a part ends before the frame that would take it past the target, and always at a segment cut. A part
 * that holds a keyframe is independent.
 *
 * <p><b>Start:</b> packets before the first video keyframe are dropped, except audio whose timestamp is at or after
 * that keyframe's. When only audio comes for {@link HlsSettings#audioOnlyAfterMicros()}, the stream is audio-only
 * and starts with its first held audio frame.
 *
 * <p><b>Discontinuities:</b> a track that changes (a new codec configuration, a track that appears) makes the next
 * keyframe start a segment flagged as a discontinuity. A timestamp jump (backwards, or forwards by more than
 * {@value #MAX_JUMP_MICROS} us) or a clock packet marked {@link MediaPacket#isDiscontinuity()} (an edge resumed the
 * stream from another origin) ends the segment where its last frame ends and starts over as at the beginning of the
 * stream, flagged as a discontinuity. After a discontinuity sequence numbers go on by one, whatever the timestamps.
 *
 * <p>Not thread-safe: one segmenter per stream, fed from one thread. Packets passed to {@link #accept} are borrowed;
 * those the segmenter keeps it retains, and hands them on to {@link Listener#partCompleted} with that reference.
 */
public final class HlsSegmenter {
    static final long MAX_JUMP_MICROS = 10_000_000;

    /** What the segmenter decided; called on the thread that feeds it. */
    public interface Listener {
        /**
         * A segment starts; {@code tracks} are the tracks its packets will refer to.
         *
         * @param arrivalNanos when its first packet reached the segmenter, in the segmenter's clock
         */
        void segmentStarted(long sequenceNumber, long startMicros, long arrivalNanos, boolean discontinuity,
                Collection<Track> tracks);

        /**
         * A part is complete. The listener owns {@code packets} (one reference each) and releases them.
         *
         * @param arrivalNanos when each packet reached the segmenter, in the segmenter's clock
         */
        void partCompleted(List<MediaPacket> packets, long[] arrivalNanos, long startMicros, long endMicros,
                boolean independent);

        /** The segment started last is complete; {@code endMicros} is where the next one starts. */
        void segmentCompleted(long endMicros);
    }

    /** A packet and when it reached the segmenter. */
    private record Arrived(MediaPacket packet, long nanos) {
    }

    private final HlsSettings settings;
    private final Listener listener;
    private final LongSupplier nanoClock;
    private final Map<Integer, Track> tracks = new LinkedHashMap<>();
    /** Packets waiting for the stream to start (retained). */
    private final List<Arrived> held = new ArrayList<>();
    /** The part being filled (retained). */
    private final List<Arrived> part = new ArrayList<>();

    private boolean started;
    private boolean videoMode;
    private boolean sawVideo;
    private long nextSequenceNumber;
    private long segmentStart;
    private long segmentSlot;
    private long partStart;
    private boolean partIndependent;
    private long lastClockDts = Long.MIN_VALUE;
    private long clockDelta;
    private boolean cutPending;
    private boolean discontinuityPending;
    private long droppedBeforeStart;
    /** Arrival time of the packet being handled. */
    private long arrival;

    /**
     * @param firstSequenceNumber the lowest sequence number the first segment may take: 0 for a new stream, one
     *     more than the last segment when this stream continues an earlier one
     * @param discontinuity whether the first segment starts a discontinuity (a stream that continues another)
     * @param expectVideo whether the stream is known to have a video track, so audio waits for a keyframe even
     *     when no video packet has come yet
     */
    public HlsSegmenter(HlsSettings settings, long firstSequenceNumber, boolean discontinuity, boolean expectVideo,
            LongSupplier nanoClock, Listener listener) {
        this.settings = settings;
        this.listener = listener;
        this.nanoClock = nanoClock;
        this.nextSequenceNumber = firstSequenceNumber;
        this.discontinuityPending = discontinuity;
        this.sawVideo = expectVideo;
    }

    /** The slot of stream time a timestamp falls in. */
    public static long slot(long micros, long targetDurationMicros) {
        return Math.floorDiv(micros + targetDurationMicros / 2, targetDurationMicros);
    }

    /** Packets dropped because they came before the stream's first keyframe. */
    public long droppedBeforeStart() {
        return droppedBeforeStart;
    }

    /** Feeds one packet (borrowed: the segmenter retains what it keeps). Data packets are ignored. */
    public void accept(MediaPacket packet) {
        if (packet.mediaType() != MediaType.DATA) {
            accept(packet, nanoClock.getAsLong());
        }
    }

    private void accept(MediaPacket packet, long arrivalNanos) {
        arrival = arrivalNanos;
        MediaType type = packet.mediaType();
        if (type == MediaType.VIDEO) {
            sawVideo = true;
        }
        if (!started) {
            waitForStart(packet, arrivalNanos);
            return;
        }
        Track known = tracks.get(packet.track().id());
        if (!packet.track().equals(known)) {
            // a new configuration or a new track: the next random access point starts a new segment
            tracks.put(packet.track().id(), packet.track());
            cutPending = true;
            discontinuityPending = true;
        }
        if (videoMode && type == MediaType.AUDIO && lastClockDts != Long.MIN_VALUE
                && packet.dts() - lastClockDts > settings.targetDurationMicros()) {
            // video has stopped for a target duration: audio keeps time until a keyframe comes again
            videoMode = false;
            lastClockDts = Long.MIN_VALUE;
            cutPending = true;
        } else if (!videoMode && packet.isVideoKeyframe()) {
            videoMode = true;
            lastClockDts = Long.MIN_VALUE;
            cutPending = true;
        }
        if ((videoMode ? type == MediaType.VIDEO : type == MediaType.AUDIO) && !clockPacket(packet)) {
            waitForStart(packet, arrivalNanos);
            return;
        }
        part.add(new Arrived(packet.retain(), arrivalNanos));
        if (packet.isVideoKeyframe() || !videoMode) {
            partIndependent = true;
        }
    }

    /** Cuts parts and segments on the clock track; false when a timestamp jump restarted the segmenter. */
    private boolean clockPacket(MediaPacket packet) {
        long dts = packet.dts();
        if (lastClockDts != Long.MIN_VALUE
                && (packet.isDiscontinuity() || dts < lastClockDts || dts - lastClockDts > MAX_JUMP_MICROS)) {
            // the old timeline ends where its last frame ends, not at the new timestamp
            long end = lastClockDts + Math.max(clockDelta, 1);
            completePart(end);
            listener.segmentCompleted(end);
            restartAfterJump();
            return false;
        }
        if (lastClockDts != Long.MIN_VALUE && dts > lastClockDts) {
            clockDelta = dts - lastClockDts;
        }
        lastClockDts = dts;
        // without keyframes for four target durations, cut anyway: memory stays bounded, players get a hiccup
        boolean randomAccess = !videoMode || packet.isKeyframe()
                || dts - segmentStart >= 4 * settings.targetDurationMicros();
        if (randomAccess && (cutPending || slot(dts, settings.targetDurationMicros()) > segmentSlot)) {
            cut(dts);
        } else if (!part.isEmpty() && dts + clockDelta - partStart > settings.partTargetMicros()) {
            completePart(dts);
            partStart = dts;
        }
        return true;
    }

    /**
     * After a timestamp jump: wait for a random access point as at the start, then go on with the next sequence
     * number after a discontinuity.
     */
    private void restartAfterJump() {
        started = false;
        discontinuityPending = true;
        cutPending = false;
        lastClockDts = Long.MIN_VALUE;
        clockDelta = 0;
    }

    private void cut(long dts) {
        completePart(dts);
        listener.segmentCompleted(dts);
        startSegment(dts);
    }

    /**
     * Holds packets until the stream's tracks are known: a video keyframe and some audio, a keyframe and no audio
     * for a while (video only), or audio and no video for a while (audio only).
     */
    private void waitForStart(MediaPacket packet, long arrivalNanos) {
        if (packet.mediaType() == MediaType.VIDEO && !packet.isKeyframe() && firstHeldKeyframe() < 0) {
            droppedBeforeStart++;
            return;
        }
        held.add(new Arrived(packet.retain(), arrivalNanos));
        int key = firstHeldKeyframe();
        boolean audio = held.stream().anyMatch(a -> a.packet().mediaType() == MediaType.AUDIO);
        if (key >= 0) {
            if (audio || packet.dts() - held.get(key).packet().dts() >= settings.audioOnlyAfterMicros()) {
                startFrom(key, true);
            }
        } else if (!sawVideo && packet.dts() - held.get(0).packet().dts() >= settings.audioOnlyAfterMicros()) {
            startFrom(0, false);
        } else if (packet.dts() - held.get(0).packet().dts() > 4 * settings.targetDurationMicros()) {
            // video was announced but does not come: keep only the newest audio
            held.remove(0).packet().release();
            droppedBeforeStart++;
        }
    }

    private int firstHeldKeyframe() {
        for (int i = 0; i < held.size(); i++) {
            if (held.get(i).packet().isVideoKeyframe()) {
                return i;
            }
        }
        return -1;
    }

    /** Starts the first segment at held packet {@code index} and replays what is held from there. */
    private void startFrom(int index, boolean video) {
        List<Arrived> packets = List.copyOf(held);
        held.clear();
        tracks.clear();
        for (Arrived a : packets) {
            tracks.put(a.packet().track().id(), a.packet().track());
        }
        long startDts = packets.get(index).packet().dts();
        started = true;
        videoMode = video;
        if (!discontinuityPending) {
            // a new stream: numbered by its timestamps; after a discontinuity numbers simply go on, since
            // playlists number segments implicitly and a gap would shift every name after it
            nextSequenceNumber = Math.max(nextSequenceNumber, slot(startDts, settings.targetDurationMicros()));
        }
        arrival = packets.get(index).nanos();
        startSegment(startDts);
        for (int i = 0; i < packets.size(); i++) {
            MediaPacket p = packets.get(i).packet();
            // audio held from before the keyframe stays when its timestamp is not before it
            boolean keep = p.mediaType() == MediaType.VIDEO ? i >= index : p.dts() >= startDts;
            if (keep) {
                accept(p, packets.get(i).nanos());
            } else {
                droppedBeforeStart++;
            }
            p.release();
        }
    }

    private void startSegment(long dts) {
        segmentStart = dts;
        segmentSlot = slot(dts, settings.targetDurationMicros());
        partStart = dts;
        partIndependent = false;
        boolean discontinuity = discontinuityPending;
        cutPending = false;
        discontinuityPending = false;
        listener.segmentStarted(nextSequenceNumber++, dts, arrival, discontinuity, List.copyOf(tracks.values()));
    }

    private void completePart(long endMicros) {
        if (part.isEmpty()) {
            return;
        }
        long[] arrivals = new long[part.size()];
        List<MediaPacket> packets = new ArrayList<>(part.size());
        for (int i = 0; i < arrivals.length; i++) {
            arrivals[i] = part.get(i).nanos();
            packets.add(part.get(i).packet());
        }
        part.clear();
        boolean independent = partIndependent;
        partIndependent = false;
        listener.partCompleted(packets, arrivals, partStart, Math.max(endMicros, partStart + 1), independent);
    }

    /** The stream ended: completes the open part and segment and releases whatever is held. */
    public void end() {
        if (started && !part.isEmpty()) {
            long end = Math.max(lastClockDts + clockDelta, lastDtsInPart() + 1);
            completePart(end);
            listener.segmentCompleted(end);
        }
        held.forEach(a -> a.packet().release());
        held.clear();
        started = false;
    }

    private long lastDtsInPart() {
        long last = Long.MIN_VALUE;
        for (Arrived a : part) {
            last = Math.max(last, a.packet().dts());
        }
        return last;
    }

    /** The sequence number the next segment would take; where a stream that continues this one starts. */
    public long nextSequenceNumber() {
        return nextSequenceNumber;
    }
}
