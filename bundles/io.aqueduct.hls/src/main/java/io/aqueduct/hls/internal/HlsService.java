package io.aqueduct.hls.internal;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.config.Settings;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.MediaType;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.api.stream.SubscriptionOptions;
import io.aqueduct.hls.internal.fmp4.Fmp4Muxer;
import io.aqueduct.hls.internal.segment.HlsSegmenter;
import io.aqueduct.hls.internal.segment.HlsSettings;
import io.aqueduct.hls.internal.stream.FragmentMuxer;
import io.aqueduct.hls.internal.stream.HlsStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every live stream in the hub into HLS and LL-HLS (configuration PID {@value #PID}): one subscription and
 * one {@link HlsStream} per stream, fed on a small pool of threads so that no publisher waits for muxing. An ended
 * stream keeps its playlist (with EXT-X-ENDLIST) for the grace period, then its memory is freed; a republish within
 * the grace period continues the same playlist after a discontinuity.
 */
@Component(configurationPid = HlsService.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {HlsService.class, StreamLifecycleListener.class, HealthIndicator.class})
@Designate(ocd = HlsService.Config.class)
public final class HlsService implements StreamLifecycleListener, HealthIndicator {
    static final String PID = "io.aqueduct.hls";
    private static final Logger LOG = LoggerFactory.getLogger(HlsService.class);
    /** HLS keeps up or skips: a queue of a few seconds, then the hub skips it to the next keyframe. */
    private static final SubscriptionOptions SUBSCRIPTION = SubscriptionOptions.DEFAULTS.withMaxQueueMicros(4_000_000);

    @ObjectClassDefinition(name = "Aqueduct HLS", description = "HLS and LL-HLS of every live stream")
    public @interface Config {
        @AttributeDefinition(name = "Target duration (ms)", description = "Segments are cut at the first keyframe "
                + "of every slot of this much stream time; set the encoder's keyframe interval to it or less")
        long target_duration_ms() default HlsSettings.DEFAULT_TARGET_DURATION_MS;

        @AttributeDefinition(name = "Part target (ms)", description = "Longest LL-HLS partial segment")
        long part_target_ms() default HlsSettings.DEFAULT_PART_TARGET_MS;

        @AttributeDefinition(description = "Complete segments listed in a live playlist")
        int window() default HlsSettings.DEFAULT_WINDOW;

        @AttributeDefinition(name = "Grace period (ms)", description = "How long an ended stream's playlist stays "
                + "(with EXT-X-ENDLIST) before its memory is freed; a republish within it continues the playlist")
        long grace_ms() default DEFAULT_GRACE_MS;

        @AttributeDefinition(name = "Disk path", description = "Also write complete segments and playlists as "
                + "files under <path>/<app>/<stream>/ (relative to the Aqueduct home), for a web server that "
                + "serves files; empty serves from memory only")
        String disk_path() default "";

        @AttributeDefinition(name = "Blocked requests", description = "Most LL-HLS blocking requests parked at "
                + "once on this node; more are answered 503 at once")
        int max_blocked_requests() default DEFAULT_MAX_BLOCKED;
    }

    static final long DEFAULT_GRACE_MS = 30_000;
    static final int DEFAULT_MAX_BLOCKED = 10_000;

    /** The settings this service runs with. */
    public record Options(HlsSettings hls, long graceMillis, int maxBlocked, Path disk) {
        static Options parse(Map<String, ?> properties, Path home) {
            Settings s = Settings.of(PID, properties);
            long target = s.duration("target.duration.ms", HlsSettings.DEFAULT_TARGET_DURATION_MS, 500, 30_000);
            long part = s.duration("part.target.ms", HlsSettings.DEFAULT_PART_TARGET_MS, 50, target);
            int window = s.integer("window", HlsSettings.DEFAULT_WINDOW, 2, 100);
            long grace = s.duration("grace.ms", DEFAULT_GRACE_MS, 0, 3_600_000);
            int blocked = s.integer("max.blocked.requests", DEFAULT_MAX_BLOCKED, 0, 1_000_000);
            String disk = s.string("disk.path", "").trim();
            HlsSettings hls = new HlsSettings(target * 1000, part * 1000, window,
                    HlsSettings.DEFAULTS.audioOnlyAfterMicros());
            return new Options(hls, grace, blocked, disk.isEmpty() ? null : home.resolve(disk));
        }
    }

    private final StreamHub hub;
    private final Path home;
    private final Map<StreamKey, Feed> feeds = new ConcurrentHashMap<>();
    private final AtomicInteger blocked = new AtomicInteger();
    private final ScheduledThreadPoolExecutor executor;
    private volatile Options options;
    private volatile String problem;
    /** Deactivated: no new feeds (a publish racing the shutdown would leave a subscription nobody drains). */
    private volatile boolean closed;

    @Activate
    public HlsService(@Reference StreamHub hub, BundleContext context, Map<String, Object> properties) {
        this.hub = hub;
        String h = context.getProperty("aqueduct.home");
        this.home = Path.of(h != null ? h : ".").toAbsolutePath();
        AtomicInteger threads = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "aqueduct-hls-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        try {
            options = Options.parse(properties, home);
        } catch (InvalidSettingException e) {
            problem = "rejected " + e.getMessage() + "; using the defaults";
            LOG.error("Rejected configuration {}", problem);
            options = Options.parse(Map.of(), home);
        }
        for (StreamInfo info : hub.streams()) {
            streamStarted(info.key());
        }
    }

    @Modified
    void modified(Map<String, Object> properties) {
        try {
            options = Options.parse(properties, home);
            problem = null;
            LOG.info("HLS settings: {}", options);
        } catch (InvalidSettingException e) {
            problem = "rejected " + e.getMessage() + "; keeping the previous settings";
            LOG.error("Rejected configuration {}", problem);
        }
    }

    @Deactivate
    public void deactivate() {
        closed = true;
        for (Feed f : feeds.values()) {
            f.close();
        }
        feeds.clear();
        executor.shutdownNow();
    }

    @Override
    public String name() {
        return "hls";
    }

    @Override
    public HealthCheck check() {
        String p = problem;
        if (p != null) {
            return HealthCheck.degraded(p);
        }
        for (Feed f : feeds.values()) {
            String streamProblem = f.stream.problem();
            if (streamProblem != null) {
                return HealthCheck.degraded(streamProblem);
            }
        }
        return HealthCheck.up();
    }

    public Options options() {
        return options;
    }

    /** The HLS rendering of a stream, live or within its grace period. */
    public Optional<HlsStream> stream(StreamKey key) {
        Feed f = feeds.get(key);
        return f == null ? Optional.empty() : Optional.of(f.stream);
    }

    public List<HlsStream> streams() {
        List<HlsStream> all = new ArrayList<>();
        feeds.values().forEach(f -> all.add(f.stream));
        return all;
    }

    /** Takes one of the node's blocking-request slots; false when all are taken. */
    public boolean tryBlock() {
        int max = options.maxBlocked();
        while (true) {
            int n = blocked.get();
            if (n >= max) {
                return false;
            }
            if (blocked.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void unblock() {
        blocked.decrementAndGet();
    }

    public int blockedRequests() {
        return blocked.get();
    }

    public ScheduledThreadPoolExecutor executor() {
        return executor;
    }

    @Override
    public void streamStarted(StreamKey key) {
        if (closed) {
            return;
        }
        Options o = options;
        feeds.computeIfAbsent(key, k -> new Feed(new HlsStream(k, o.hls(), HlsService::cmaf,
                System::currentTimeMillis, System::nanoTime, o.disk()))).attach();
    }

    private static FragmentMuxer cmaf(java.util.Collection<Track> tracks) {
        Fmp4Muxer muxer = new Fmp4Muxer(tracks);
        return new FragmentMuxer() {
            @Override
            public byte[] initSegment() {
                return muxer.initSegment();
            }

            @Override
            public byte[] fragment(int sequenceNumber, List<MediaPacket> packets, long endMicros) {
                return muxer.fragment(sequenceNumber, packets, endMicros);
            }

            @Override
            public String codecs() {
                return muxer.codecs();
            }
        };
    }

    /** One stream's HLS rendering and the subscription that feeds it, one publication ("run") after another. */
    private final class Feed {
        final HlsStream stream;
        private SubscriptionDrain drain;
        private HlsSegmenter segmenter;
        private ScheduledFuture<?> removal;

        Feed(HlsStream stream) {
            this.stream = stream;
        }

        /** A new publication of the stream: the playlist goes on with it, after a discontinuity. */
        synchronized void attach() {
            if (closed) {
                return;
            }
            if (removal != null) {
                removal.cancel(false);
                removal = null;
            }
            if (drain != null && drain.isActive()) {
                // a republish while the previous run's last packets are still queued: that tail is dropped, so
                // the new run is not kept waiting behind it
                drain.close();
                segmenter.end();
            }
            Optional<StreamInfo> info = hub.stream(stream.key());
            boolean video = info.map(i -> i.tracks().stream()
                    .map(Track::mediaType).anyMatch(MediaType.VIDEO::equals)).orElse(false);
            stream.renditionOf(info.flatMap(StreamInfo::renditionOf));
            HlsSegmenter s = stream.newSegmenter(video);
            segmenter = s;
            SubscriptionDrain[] run = new SubscriptionDrain[1];
            run[0] = SubscriptionDrain.start(hub, stream.key(), SUBSCRIPTION, executor, s::accept,
                    () -> finish(run[0])).orElse(null);
            drain = run[0];
            feeds.put(stream.key(), this);
            if (drain == null) {
                LOG.debug("{} ended before HLS could subscribe", stream.key());
                finish(null);
            }
        }

        /**
         * A run ended: close the playlist, free the memory after the grace period. Nothing when a newer run has
         * taken over meanwhile (the drain of the old one finished late).
         */
        private synchronized void finish(SubscriptionDrain run) {
            if (run != drain) {
                return;
            }
            try {
                segmenter.end();
            } catch (RuntimeException e) {
                LOG.warn("HLS of {}: the end of the stream failed: {}", stream.key(), e.toString(), e);
            } finally {
                stream.end();
                if (!closed) {
                    removal = executor.schedule(this::remove, options.graceMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }

        private synchronized void remove() {
            if ((drain == null || !drain.isActive()) && feeds.remove(stream.key(), this)) {
                stream.wakeAll();
                stream.removeFiles();
                LOG.debug("HLS of {} removed after the grace period", stream.key());
            }
        }

        synchronized void close() {
            if (drain != null) {
                drain.close();
            }
            if (segmenter != null) {
                segmenter.end();
            }
            stream.end();
            stream.wakeAll();
        }
    }
}
