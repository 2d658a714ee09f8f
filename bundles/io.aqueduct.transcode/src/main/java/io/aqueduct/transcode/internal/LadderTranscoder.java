package io.aqueduct.transcode.internal;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.ffmpeg.FfmpegRuntime;
import io.aqueduct.transcode.internal.ladder.Ladder;
import io.aqueduct.transcode.internal.stream.StreamTranscoder;
import io.aqueduct.transcode.internal.stream.TranscodeSettings;
import io.aqueduct.transcode.internal.stream.TranscodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application's ladder: every live stream of the application (but the renditions themselves) is transcoded
 * by a {@link StreamTranscoder} of its own while it is live. One instance per factory configuration
 * {@code io.aqueduct.transcode.ladder~<name>}; without one, nothing is transcoded.
 */
@Component(configurationPid = LadderTranscoder.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {LadderTranscoder.class, StreamLifecycleListener.class, HealthIndicator.class})
@Designate(ocd = LadderTranscoder.Config.class, factory = true)
public final class LadderTranscoder implements StreamLifecycleListener, HealthIndicator {
    public static final String PID = "io.aqueduct.transcode.ladder";
    private static final Logger LOG = LoggerFactory.getLogger(LadderTranscoder.class);

    @ObjectClassDefinition(name = "Aqueduct transcoding ladder",
            description = "The renditions the live streams of one application are transcoded into")
    public @interface Config {
        @AttributeDefinition(description = "The application whose streams are transcoded (the first part of "
                + "live/stream)")
        String app();

        @AttributeDefinition(description = "The renditions: <height>p:<video bitrate>[:<audio bitrate>|copy], "
                + "comma-separated. Taller than the source: left out (never upscaled)")
        String renditions() default Ladder.DEFAULT;

        @AttributeDefinition(description = "The software H.264 encoder: libx264 or libopenh264")
        String encoder() default "libx264";

        @AttributeDefinition(description = "libx264's preset (ultrafast ... veryslow): slower is smaller, and "
                + "costs more CPU")
        String preset() default "veryfast";

        @AttributeDefinition(description = "Decode and scale on the GPU (NVDEC, scale_cuda; NVENC where it opens) "
                + "when there is one")
        boolean gpu() default true;

        @AttributeDefinition(name = "max.lag.ms", description = "How far behind the source the transcoder may "
                + "fall before it skips encoding frames between keyframes to catch up, in milliseconds")
        long max_lag_ms() default 1000;

        @AttributeDefinition(name = "max.gop.ms", description = "The longest time between keyframes in the "
                + "renditions, in milliseconds (they follow the source's keyframes, and add one when it waits longer)")
        long max_gop_ms() default 4000;

        @AttributeDefinition(name = "scale.flags", description = "The software scaler's algorithm: bicubic, "
                + "bilinear, fast_bilinear, lanczos, ...")
        String scale_flags() default "bicubic";
    }

    /*
     * No @Modified: a changed configuration deactivates this instance (its transcoders end their renditions) and
     * activates a new one, which starts the live streams of the application again with the new settings.
     */

    private final StreamHub hub;
    private final FfmpegRuntime ffmpeg;
    private final String app;
    /** Null when the configuration was rejected. */
    private final TranscodeSettings settings;
    private final String problem;
    /**
     * The transcoder of each key's last publish, until its thread has finished: after the source ends it still
     * transcodes what it has, and the next publish of the key waits for it.
     */
    private final Map<StreamKey, StreamTranscoder> running = new ConcurrentHashMap<>();
    private boolean active = true; // guarded by this

    @Activate
    public LadderTranscoder(@Reference StreamHub hub, @Reference FfmpegRuntime ffmpeg, Config config) {
        this.hub = hub;
        this.ffmpeg = ffmpeg;
        this.app = config.app() == null ? "" : config.app().strip();
        TranscodeSettings parsed = null;
        String rejected = null;
        try {
            parsed = settings(app, config);
            LOG.info("transcoding the streams of {} into {}", app, parsed.ladder());
        } catch (InvalidSettingException e) {
            rejected = "rejected " + e.getMessage() + "; this ladder transcodes nothing until it is fixed";
            LOG.error("Rejected configuration {}", rejected);
        }
        settings = parsed;
        problem = rejected;
        for (StreamInfo s : hub.streams()) {
            streamStarted(s.key());
        }
    }

    /** The settings of a configuration, checked: each bad value is named. */
    static TranscodeSettings settings(String app, Config config) {
        if (app.isEmpty() || app.contains("/")) {
            throw new InvalidSettingException(PID, "app", config.app(), "one application, like live");
        }
        Ladder ladder;
        try {
            ladder = Ladder.parse(config.renditions());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(PID, "renditions", config.renditions(), e.getMessage());
        }
        if (!List.of("libx264", "libopenh264").contains(config.encoder())) {
            throw new InvalidSettingException(PID, "encoder", config.encoder(), "libx264 or libopenh264");
        }
        if (config.max_lag_ms() < 100) {
            throw new InvalidSettingException(PID, "max.lag.ms", config.max_lag_ms(), "at least 100");
        }
        if (config.max_gop_ms() < 500) {
            throw new InvalidSettingException(PID, "max.gop.ms", config.max_gop_ms(), "at least 500");
        }
        return new TranscodeSettings(ladder, config.encoder(), config.preset(), config.gpu(), config.max_lag_ms(),
                config.max_gop_ms(), config.scale_flags());
    }

    public String app() {
        return app;
    }

    @Override
    public void streamStarted(StreamKey key) {
        // a rendition (what its publisher says, whatever its name) is never transcoded again
        if (settings == null || !key.app().equals(app)
                || hub.stream(key).flatMap(StreamInfo::renditionOf).isPresent()) {
            return;
        }
        synchronized (this) {
            if (!active) {
                return;
            }
            // the previous publish's transcoder (if it is still finishing) is waited for, not stopped: it ends by
            // itself, and a late end event of the previous publish cannot stop this one
            StreamTranscoder previous = running.get(key);
            StreamTranscoder t = new StreamTranscoder(key, settings, hub, ffmpeg.capabilities(), previous,
                    done -> running.remove(key, done));
            running.put(key, t);
            t.start();
        }
    }

    /** The transcoders of the streams live now. */
    public List<TranscodeStatus> statuses() {
        List<TranscodeStatus> out = new ArrayList<>();
        for (StreamTranscoder t : running.values()) {
            out.add(t.status());
        }
        out.sort((a, b) -> a.source().toString().compareTo(b.source().toString()));
        return out;
    }

    @Override
    public String name() {
        return "transcode-" + app;
    }

    @Override
    public HealthCheck check() {
        if (problem != null) {
            return HealthCheck.degraded(problem);
        }
        List<TranscodeStatus> statuses = statuses();
        String ladder = app + " into " + settings.ladder();
        if (statuses.isEmpty()) {
            return new HealthCheck(HealthCheck.Status.UP, ladder + "; no live stream");
        }
        List<String> lines = statuses.stream().map(TranscodeStatus::describe).toList();
        boolean failed = statuses.stream().anyMatch(s -> s.state().equals("failed"));
        String text = ladder + "; " + String.join("; ", lines);
        return failed ? HealthCheck.degraded(text) : new HealthCheck(HealthCheck.Status.UP, text);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        List<StreamTranscoder> all;
        synchronized (this) {
            active = false;
            all = new ArrayList<>(running.values());
        }
        all.forEach(StreamTranscoder::stop);
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (StreamTranscoder t : all) {
            if (!t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) {
                LOG.warn("{}: the transcoder did not stop within 10 s", t.source());
            }
        }
    }
}
