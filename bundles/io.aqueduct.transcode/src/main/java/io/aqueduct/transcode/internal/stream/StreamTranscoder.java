package io.aqueduct.transcode.internal.stream;

import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_CUDA;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_d2q;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_ctx_create;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.aqueduct.api.media.Codec;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
import io.aqueduct.api.stream.StreamAlreadyLiveException;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionListener;
import io.aqueduct.api.stream.SubscriptionOptions;
import io.aqueduct.ffmpeg.FfmpegCapabilities;
import io.aqueduct.ffmpeg.FfmpegException;
import io.aqueduct.transcode.internal.codec.AudioEncoder;
import io.aqueduct.transcode.internal.codec.ScaleGraph;
import io.aqueduct.transcode.internal.codec.VideoDecoder;
import io.aqueduct.transcode.internal.codec.VideoEncoder;
import io.aqueduct.transcode.internal.ladder.Ladder.PlannedRendition;
import io.aqueduct.transcode.internal.stream.TranscodeStatus.RenditionStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transcodes one live stream into its ladder: a thread of its own subscribes to the source, decodes its video once
 * and scales it for every rendition ({@link ScaleGraph}); each rendition encodes ({@link VideoEncoder}, on the
 * rendition's own thread: {@link RenditionOutput}) and publishes
 * rendition into the hub as {@code <stream>_<height>p}, with the source's audio passed through or re-encoded
 * ({@link AudioEncoder}) and held back until the video has caught up with it, so the renditions stay interleaved.
 *
 * <p>Keyframes: a rendition frame is a keyframe when its source frame was one, or when the last one is
 * {@code maxGopMillis} old; the same frames in every rendition. Falling behind: when the newest source frame is more
 * than {@code maxLagMillis} ahead of the one being decoded, frames between keyframes are decoded but not encoded
 * (counted); more than the hub's queue behind, the hub skips the subscription to a keyframe (counted there). A
 * source of another size (a new configuration) ends the renditions and starts them again for the new size.
 * FFmpeg errors end this stream's transcoding with the reason in its status; corrupt packets are counted.
 */
public final class StreamTranscoder implements SubscriptionListener {
    private static final Logger LOG = LoggerFactory.getLogger(StreamTranscoder.class);
    private static final int VIDEO_TRACK = 0;
    private static final int AUDIO_TRACK = 1;
    /** Packets taken from the hub and held here at most (about 2.5 s of 60 fps video with its audio). */
    private static final int MAX_PENDING = 256;
    /** Video packets the frame rate is measured over before the encoders open. */
    private static final int FRAME_RATE_SAMPLE = 12;
    /** Audio is held at most this long waiting for video to catch up. */
    private static final long AUDIO_HOLD_MICROS = 1_000_000;
    /** The AAC bitrate audio that cannot be passed through is re-encoded to. */
    private static final long COPY_FALLBACK_BITRATE = 128_000;
    /** How long a transcoder waits for the one before it (the same key's previous publish) to let go of the keys. */
    private static final long PREVIOUS_JOIN_MILLIS = 10_000;

    private final StreamKey source;
    private final TranscodeSettings settings;
    private final StreamHub hub;
    private final CompletionStage<FfmpegCapabilities> ffmpeg;
    /** Cleared once waited for, so a chain of republishes does not keep every earlier transcoder. */
    private StreamTranscoder previous;
    private final Consumer<StreamTranscoder> onExit;
    private final Thread thread;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean stopped;

    // owned by the thread
    private Subscription subscription;
    private AVBufferRef cudaDevice;
    private String encoderName;
    private final ArrayDeque<MediaPacket> pending = new ArrayDeque<>();
    private final List<MediaPacket> startup = new ArrayList<>();
    private final TreeSet<Long> keyframes = new TreeSet<>();
    private final TreeSet<Long> drops = new TreeSet<>();
    private final ArrayDeque<MediaPacket> audioQueue = new ArrayDeque<>();
    private VideoDecoder decoder;
    private ScaleGraph graph;
    private final List<RenditionOutput> outputs = new ArrayList<>();
    private final Map<Long, AudioEncoder> audioEncoders = new HashMap<>();
    private AVRational frameRate;
    private long newestVideoDts = Long.MIN_VALUE;
    private long lastKeyframePts = Long.MIN_VALUE;
    private long videoOutPts = Long.MIN_VALUE;
    private long firstPts = Long.MIN_VALUE;
    private long firstFrameNanos;
    /** Decode errors of the decoders and audio encoders closed before (a new configuration replaced them). */
    private long errorsBefore;
    /** Audio packets that could not be re-encoded. */
    private long audioFailures;
    /** The pixel format the outputs were opened for (their size: sourceWidth, sourceHeight); -1 before. */
    private int openedFormat = -1;

    // read by status()
    private volatile String state = "starting";
    private volatile String message = "";
    private volatile String path = "";
    private volatile int sourceWidth;
    private volatile int sourceHeight;
    private volatile double measuredFrameRate;
    private volatile long framesDecoded;
    private volatile long framesDropped;
    private volatile long decodeErrors;
    private volatile long lastPts;
    private volatile long lastFrameNanos;
    private volatile List<RenditionOutput> published = List.of();

    /**
     * @param previous the transcoder of this key's previous publish, still letting go of the rendition keys; this
     *     one waits for it before it publishes (null when there is none)
     * @param onExit told when the thread has finished and freed everything
     */
    public StreamTranscoder(StreamKey source, TranscodeSettings settings, StreamHub hub,
            CompletionStage<FfmpegCapabilities> ffmpeg, StreamTranscoder previous, Consumer<StreamTranscoder> onExit) {
        this.onExit = onExit;
        this.source = source;
        this.settings = settings;
        this.hub = hub;
        this.ffmpeg = ffmpeg;
        this.previous = previous;
        this.thread = new Thread(this::run, "aqueduct-transcode-" + source);
        thread.setDaemon(true);
    }

    public StreamTranscoder(StreamKey source, TranscodeSettings settings, StreamHub hub,
            CompletionStage<FfmpegCapabilities> ffmpeg, StreamTranscoder previous) {
        this(source, settings, hub, ffmpeg, previous, t -> { });
    }

    public StreamKey source() {
        return source;
    }

    public void start() {
        thread.start();
    }

    /**
     * Asks the thread to finish now (the component goes away): it ends the renditions, frees FFmpeg's memory and
     * leaves the stream. Not needed when the source ends: the transcoder then finishes what it has and ends itself.
     */
    public void stop() {
        stopped = true;
        signal.release();
    }

    /** Waits for the thread to finish; true when it did within the time. */
    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    @Override
    public void onAvailable(Subscription s) {
        signal.release();
    }

    private void run() {
        try {
            awaitPrevious();
            FfmpegCapabilities capabilities = awaitFfmpeg();
            if (capabilities == null) {
                return;
            }
            choosePath(capabilities);
            if (stopped) {
                return;
            }
            subscription = hub.subscribe(source, SubscriptionOptions.DEFAULTS, this).orElse(null);
            if (subscription == null) {
                state = "ended";
                return;
            }
            state = "waiting for video";
            loop();
            finish();
            state = "ended";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = "ended";
        } catch (Exception | LinkageError e) {
            state = "failed";
            message = e instanceof FfmpegException ? e.getMessage() : e.toString();
            LOG.error("{}: transcoding stopped: {}", source, message, e);
        } finally {
            release();
            onExit.accept(this);
        }
    }

    /** Waits (while not stopped) for the previous transcoder of this key to let go of the rendition keys. */
    private void awaitPrevious() throws InterruptedException {
        StreamTranscoder p = previous;
        previous = null;
        long deadline = System.nanoTime() + PREVIOUS_JOIN_MILLIS * 1_000_000;
        while (p != null && !stopped && !p.join(100)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("{}: the previous transcoder of this stream is still running; its renditions may be refused",
                        source);
                return;
            }
        }
    }

    /** FFmpeg's capabilities once it is loaded (the first start extracts the natives); null when stopped first. */
    private FfmpegCapabilities awaitFfmpeg() throws InterruptedException, ExecutionException {
        CompletableFuture<FfmpegCapabilities> f = ffmpeg.toCompletableFuture();
        while (!stopped) {
            try {
                return f.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                state = "waiting for FFmpeg to load";
            }
        }
        return null;
    }

    /** GPU or CPU, and which encoder. */
    private void choosePath(FfmpegCapabilities c) throws FfmpegException {
        if (!c.encoders().contains(settings.encoder())) {
            throw new FfmpegException("the encoder " + settings.encoder() + " is not in this FFmpeg build (it has "
                    + c.encoders() + ")");
        }
        encoderName = settings.encoder();
        if (settings.gpu() && c.cuda()) {
            AVBufferRef device = new AVBufferRef(null);
            int opened = av_hwdevice_ctx_create(device, AV_HWDEVICE_TYPE_CUDA, (String) null, (AVDictionary) null, 0);
            if (opened >= 0) {
                cudaDevice = device;
                encoderName = c.nvenc() ? "h264_nvenc" : settings.encoder();
            } else {
                LOG.warn("{}: the CUDA device did not open ({}); transcoding on the CPU", source,
                        FfmpegException.describe(opened));
            }
        }
        path = cudaDevice != null
                ? "gpu: decode NVDEC, scale scale_cuda, encode " + encoderName
                : "cpu: decode FFmpeg h264, scale " + settings.scaleFlags() + ", encode " + encoderName;
    }

    private void loop() throws FfmpegException {
        while (!stopped) {
            drain();
            MediaPacket p = pending.poll();
            if (p == null) {
                if (subscription.isEnded()) {
                    return;
                }
                try {
                    signal.tryAcquire(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            try {
                if (p.mediaType() == MediaType.VIDEO) {
                    video(p);
                } else if (p.mediaType() == MediaType.AUDIO) {
                    audio(p);
                }
            } finally {
                p.release();
            }
        }
    }

    /**
     * Takes what the hub has queued, up to {@value #MAX_PENDING} packets held here: enough to see more than
     * {@code maxLagMillis} ahead, and bounded, so a transcoder that cannot keep up leaves the rest in the hub, whose
     * limit then skips it forward (counted).
     */
    private void drain() {
        int room = MAX_PENDING - pending.size();
        if (room <= 0) {
            return;
        }
        int moved = subscription.drainTo(pending, room);
        Iterator<MediaPacket> newest = pending.descendingIterator();
        for (int i = 0; i < moved; i++) {
            MediaPacket p = newest.next();
            if (p.mediaType() == MediaType.VIDEO) {
                newestVideoDts = Math.max(newestVideoDts, p.dts());
            }
        }
    }

    private void video(MediaPacket p) throws FfmpegException {
        if (frameRate == null) {
            // hold the first packets until the frame rate can be measured: the encoders' rate control needs it
            startup.add(p.retain());
            if (startup.size() < FRAME_RATE_SAMPLE
                    && p.dts() - startup.get(0).dts() < 1_000_000) {
                return;
            }
            decodeHeld();
            return;
        }
        decode(p);
    }

    /** Measures the frame rate over the held first packets and decodes them. */
    private void decodeHeld() throws FfmpegException {
        frameRate = measureFrameRate(startup);
        List<MediaPacket> held = new ArrayList<>(startup);
        startup.clear();
        int next = 0;
        try {
            while (next < held.size()) {
                MediaPacket h = held.get(next++);
                try {
                    decode(h);
                } finally {
                    h.release();
                }
            }
        } finally {
            held.subList(next, held.size()).forEach(MediaPacket::release);
        }
    }

    private void decode(MediaPacket p) throws FfmpegException {
        if (decoder == null || !decoder.track().equals(p.track())) {
            if (decoder != null) {
                decoder.flush(this::frame);
                errorsBefore += decoder.errors();
                decoder.close();
                decoder = null;
            }
            decoder = new VideoDecoder(p.track(), cudaDevice);
        }
        if (p.isKeyframe()) {
            keyframes.add(p.pts());
        } else if (newestVideoDts - p.dts() > settings.maxLagMillis() * 1000) {
            drops.add(p.pts());
        }
        try {
            decoder.decode(p, this::frame);
        } finally {
            countErrors();
        }
    }

    private void countErrors() {
        long audio = audioEncoders.values().stream().mapToLong(AudioEncoder::errors).sum();
        decodeErrors = errorsBefore + audio + audioFailures + (decoder == null ? 0 : decoder.errors());
    }

    /** Common frame rates: a measured rate within 2 % of one is taken to be the nearest (timestamps in FLV are milliseconds). */
    private static final double[] COMMON_RATES = {23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60};

    /** The frame rate from the source's timestamps: frames over the time they span, rounded to a common rate. */
    static AVRational measureFrameRate(List<MediaPacket> packets) {
        long[] dts = packets.stream().mapToLong(MediaPacket::dts).sorted().toArray();
        double fps = 30;
        double spanMillis = 0;
        if (dts.length >= 2 && dts[dts.length - 1] > dts[0]) {
            spanMillis = (dts[dts.length - 1] - dts[0]) / 1000.0;
            double measured = (dts.length - 1) * 1000 / spanMillis;
            if (measured >= 1 && measured <= 240) {
                fps = measured;
            }
        }
        double nearest = COMMON_RATES[0];
        for (double common : COMMON_RATES) {
            if (Math.abs(fps - common) < Math.abs(fps - nearest)) {
                nearest = common;
            }
        }
        if (Math.abs(fps - nearest) / nearest >= 0.02) {
            return av_d2q(fps, 1001 * 240);
        }
        // millisecond timestamps (FLV) put a millisecond of doubt on each end of the span: over a short span that
        // is more than 30 and 29.97 differ by, so the whole rate is taken when it lies within the doubt
        double doubt = spanMillis > 0 ? 2 / spanMillis : 1;
        if (Math.abs(fps - Math.rint(nearest)) / fps <= doubt) {
            nearest = Math.rint(nearest);
        }
        return nearest == Math.rint(nearest) ? av_make_q((int) nearest, 1)
                : av_make_q((int) Math.round(nearest * 1001 / 1000) * 1000, 1001);
    }

    private void frame(AVFrame frame) throws FfmpegException {
        framesDecoded++;
        long pts = frame.pts() != AV_NOPTS_VALUE ? frame.pts() : frame.best_effort_timestamp();
        boolean key = keyframes.remove(pts);
        keyframes.headSet(pts).clear();
        boolean drop = drops.remove(pts);
        drops.headSet(pts).clear();
        if (frame.width() != sourceWidth || frame.height() != sourceHeight || frame.format() != openedFormat) {
            open(frame);
        }
        if (outputs.isEmpty()) {
            return;
        }
        if (drop && !key) {
            framesDropped++;
            return;
        }
        if (lastKeyframePts == Long.MIN_VALUE || pts - lastKeyframePts >= settings.maxGopMillis() * 1000
                || pts < lastKeyframePts) {
            key = true;
        }
        if (key) {
            lastKeyframePts = pts;
        }
        graph.push(frame);
        for (int i = 0; i < outputs.size(); i++) {
            while (true) {
                AVFrame scaled = av_frame_alloc();
                boolean pulled = false;
                try {
                    pulled = graph.pull(i, scaled);
                } finally {
                    if (!pulled) {
                        av_frame_free(scaled);
                    }
                }
                if (!pulled) {
                    break;
                }
                outputs.get(i).encode(scaled, key); // encoded on the rendition's thread, which frees it
            }
        }
        long now = System.nanoTime();
        if (firstPts == Long.MIN_VALUE) {
            firstPts = pts;
            firstFrameNanos = now;
        }
        lastPts = pts;
        lastFrameNanos = now;
        videoOutPts = Math.max(videoOutPts, pts);
        releaseAudio(false);
    }

    /** Builds the graph, the encoders and the publications for the size of {@code frame}. */
    private void open(AVFrame frame) throws FfmpegException {
        closeOutputs();
        sourceWidth = frame.width();
        sourceHeight = frame.height();
        openedFormat = frame.format();
        List<PlannedRendition> plan = settings.ladder().plan(frame.width(), frame.height());
        if (plan.isEmpty()) {
            state = "transcoding";
            message = "the source (" + frame.width() + "x" + frame.height() + ") is smaller than every rendition of "
                    + "the ladder (" + settings.ladder() + "): it is served as it is";
            return;
        }
        // NV12 from the GPU where the encoder takes it; openh264 takes planar 4:2:0 only
        graph = new ScaleGraph(frame, plan, settings.scaleFlags(), encoderName.equals("libopenh264"));
        List<String> refused = new ArrayList<>();
        for (PlannedRendition r : plan) {
            StreamKey key = StreamKey.of(source.app(), source.name() + r.rendition().suffix());
            VideoEncoder encoder = new VideoEncoder(encoderName, r, graph.outputFormat(), frameRate,
                    settings.preset(), VIDEO_TRACK);
            Publication publication;
            try {
                publication = hub.publish(key, PublishOptions.DEFAULTS.withRenditionOf(source));
            } catch (StreamAlreadyLiveException e) {
                encoder.close();
                refused.add(key + " (someone else publishes it)");
                continue;
            }
            outputs.add(new RenditionOutput(r, key, publication, encoder));
        }
        // the graph has an output per planned rendition; a refused one is pulled and thrown away
        if (!refused.isEmpty()) {
            closeOutputs();
            throw new FfmpegException("cannot publish the renditions " + refused + ": unpublish them, or rename the "
                    + "source so its renditions do not collide");
        }
        published = List.copyOf(outputs);
        long start = frame.pts() != AV_NOPTS_VALUE ? frame.pts() : frame.best_effort_timestamp();
        while (!audioQueue.isEmpty() && audioQueue.peek().dts() < start) {
            audioQueue.poll().release(); // the renditions start with their first picture
        }
        state = "transcoding";
        message = "";
        lastKeyframePts = Long.MIN_VALUE;
        LOG.info("{}: {}x{} at {} fps -> {} ({})", source, frame.width(), frame.height(),
                String.format("%.2f", frameRate.num() / (double) frameRate.den()),
                String.join(", ", outputs.stream().map(o -> o.key() + " " + o.plan().width() + "x" + o.plan().height()
                        + " " + o.plan().rendition().videoBitrate() / 1000 + " kb/s").toList()), path);
        measuredFrameRate = frameRate.num() / (double) frameRate.den();
    }

    private void audio(MediaPacket p) throws FfmpegException {
        audioQueue.add(p.retain());
        if (outputs.isEmpty()) {
            // no renditions yet (the first video is on its way, or the source has none): keep the last moment of
            // audio for the renditions' start
            while (p.dts() - audioQueue.peek().dts() > AUDIO_HOLD_MICROS) {
                audioQueue.poll().release();
            }
            return;
        }
        releaseAudio(false);
    }

    /** Sends the held audio that the video has caught up with (or that waited too long); all of it at the end. */
    private void releaseAudio(boolean all) throws FfmpegException {
        while (!audioQueue.isEmpty()) {
            MediaPacket head = audioQueue.peek();
            long newest = audioQueue.peekLast().dts();
            if (!all && head.dts() > videoOutPts && newest - head.dts() < AUDIO_HOLD_MICROS) {
                return;
            }
            audioQueue.poll();
            try {
                sendAudio(head);
            } finally {
                head.release();
            }
        }
        countErrors();
    }

    private void sendAudio(MediaPacket p) throws FfmpegException {
        Map<Long, List<MediaPacket>> encoded = new HashMap<>();
        try {
            for (RenditionOutput o : outputs) {
                long bitrate = audioBitrate(o, p.track());
                if (bitrate == 0) {
                    o.send(p.retain());
                    continue;
                }
                List<MediaPacket> packets = encoded.get(bitrate);
                if (packets == null) {
                    packets = new ArrayList<>();
                    encoded.put(bitrate, packets);
                    reencode(p, bitrate, packets);
                }
                for (MediaPacket e : packets) {
                    o.send(e.retain());
                }
            }
        } finally {
            encoded.values().forEach(list -> list.forEach(MediaPacket::release));
        }
    }

    /**
     * Re-encodes one audio packet into {@code out}. Audio trouble costs audio, not the ladder: a packet FFmpeg
     * refuses, or an encoder that cannot be set up for this audio, is counted with the decode errors and the
     * renditions go on without it.
     */
    private void reencode(MediaPacket p, long bitrate, List<MediaPacket> out) {
        try {
            audioEncoder(p.track(), bitrate).encode(p, out::add);
        } catch (FfmpegException e) {
            audioFailures++;
            if (audioFailures == 1 || audioFailures % 1000 == 0) {
                LOG.warn("{}: re-encoding audio to AAC {} kb/s: {} ({} packet(s) so far)", source, bitrate / 1000,
                        e.getMessage(), audioFailures);
            }
        }
    }

    /**
     * The AAC bitrate a rendition's audio is re-encoded to, or 0 to pass it through: the rendition's own, or for
     * "copy" of audio the renditions' players may not take, {@value #COPY_FALLBACK_BITRATE}.
     */
    private static long audioBitrate(RenditionOutput o, Track audio) {
        long bitrate = o.plan().rendition().audioBitrate();
        return bitrate == 0 && !passesThrough(audio) ? COPY_FALLBACK_BITRATE : bitrate;
    }

    /** Audio a rendition can carry as it is: AAC and MP3 (what RTMP and HLS players take); Opus is re-encoded. */
    static boolean passesThrough(Track audio) {
        return audio.codec() == Codec.AAC || audio.codec() == Codec.MP3;
    }

    private AudioEncoder audioEncoder(Track track, long bitrate) throws FfmpegException {
        AudioEncoder e = audioEncoders.get(bitrate);
        if (e != null && !e.sourceTrack().equals(track)) {
            errorsBefore += e.errors();
            e.close();
            audioEncoders.remove(bitrate);
            e = null;
        }
        if (e == null) {
            e = new AudioEncoder(track, bitrate, AUDIO_TRACK);
            audioEncoders.put(bitrate, e);
        }
        return e;
    }

    /** The end of the source: what the decoder and the encoders still hold goes out, then the renditions end. */
    private void finish() throws FfmpegException {
        if (!startup.isEmpty() && frameRate == null) {
            decodeHeld();
        }
        if (decoder != null) {
            decoder.flush(this::frame);
        }
        releaseAudio(true);
        for (Map.Entry<Long, AudioEncoder> e : audioEncoders.entrySet()) {
            List<MediaPacket> tail = new ArrayList<>();
            try {
                e.getValue().flush(tail::add);
                for (RenditionOutput o : outputs) {
                    if (audioBitrate(o, e.getValue().sourceTrack()) == e.getKey()) {
                        for (MediaPacket t : tail) {
                            o.send(t.retain());
                        }
                    }
                }
            } finally {
                tail.forEach(MediaPacket::release);
            }
        }
        for (RenditionOutput o : outputs) {
            o.flush();
        }
    }

    private void closeOutputs() {
        for (RenditionOutput o : outputs) {
            try {
                o.close();
            } catch (RuntimeException e) {
                LOG.warn("{}: closing {}: {}", source, o.key(), e.toString());
            }
        }
        outputs.clear();
        published = List.of();
        if (graph != null) {
            graph.close();
            graph = null;
        }
    }

    /** Frees everything, whatever state the thread ended in. */
    private void release() {
        try {
            closeOutputs();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the renditions: {}", source, e.toString());
        }
        startup.forEach(MediaPacket::release);
        startup.clear();
        audioQueue.forEach(MediaPacket::release);
        audioQueue.clear();
        pending.forEach(MediaPacket::release);
        pending.clear();
        if (subscription != null) {
            subscription.close();
        }
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        audioEncoders.values().forEach(AudioEncoder::close);
        audioEncoders.clear();
        if (cudaDevice != null) {
            av_buffer_unref(cudaDevice);
            cudaDevice = null;
        }
    }

    public TranscodeStatus status() {
        List<RenditionOutput> now = published;
        List<RenditionStatus> renditions = new ArrayList<>();
        for (RenditionOutput o : now) {
            long audio = o.plan().rendition().audioBitrate();
            renditions.add(new RenditionStatus(o.key(), o.plan().width(), o.plan().height(),
                    o.plan().rendition().videoBitrate(), audio == 0 ? "copy" : "aac " + audio / 1000 + " kb/s",
                    o.frames()));
        }
        long wall = lastFrameNanos - firstFrameNanos;
        double speed = wall > 0 ? (lastPts - firstPts) * 1000.0 / wall : 0;
        Subscription s = subscription;
        return new TranscodeStatus(source, state, message, path, sourceWidth, sourceHeight, measuredFrameRate,
                framesDecoded, framesDropped, decodeErrors, s == null ? 0 : s.skips(), speed, lastPts, renditions);
    }

    @Override
    public String toString() {
        return "StreamTranscoder[" + source + " " + state + "]";
    }
}
