package io.aqueduct.hls.internal.record;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.config.Settings;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.StreamLifecycleListener;
import io.aqueduct.api.stream.SubscriptionOptions;
import io.aqueduct.hls.internal.SubscriptionDrain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
 * MP4 recording (configuration PID {@value #PID}): every live stream that {@code streams} names is written to
 * {@code data/recordings/<app>/<stream>-<time>.mp4}. A change of {@code streams} applies at once: a stream that
 * becomes named while it is live starts recording at its next keyframe; one that is no longer named is finished.
 */
@Component(configurationPid = RecordingService.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {RecordingService.class, StreamLifecycleListener.class, HealthIndicator.class})
@Designate(ocd = RecordingService.Config.class)
public final class RecordingService implements StreamLifecycleListener, HealthIndicator {
    static final String PID = "io.aqueduct.recording";
    private static final Logger LOG = LoggerFactory.getLogger(RecordingService.class);
    /** A recording keeps every frame it can: a long queue, and skipping only when the disk cannot keep up. */
    private static final SubscriptionOptions SUBSCRIPTION = SubscriptionOptions.DEFAULTS.withMaxQueueMicros(20_000_000);

    @ObjectClassDefinition(name = "Aqueduct recording", description = "MP4 recording of live streams")
    public @interface Config {
        @AttributeDefinition(description = "Streams to record, comma-separated: <app>/<stream> for one stream, "
                + "<app>/* for every stream of an application; empty records nothing")
        String streams() default "";

        @AttributeDefinition(description = "Directory for recordings; empty means data/recordings in the "
                + "Aqueduct home")
        String path() default "";
    }

    private final StreamHub hub;
    private final Path defaultDirectory;
    private final ExecutorService executor;
    private final Map<StreamKey, Active> active = new ConcurrentHashMap<>();
    /** Recordings whose stream has ended, still writing what was queued. */
    private final List<Active> finishing = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<StreamRecording> failed = new ArrayList<>();
    private volatile StreamSelection selection = StreamSelection.parse("");
    private volatile Path directory;
    private volatile String problem;
    private volatile boolean closed;

    private record Active(StreamRecording recording, SubscriptionDrain drain) {
    }

    @Activate
    public RecordingService(@Reference StreamHub hub, BundleContext context, Map<String, Object> properties) {
        this.hub = hub;
        String home = context.getProperty("aqueduct.home");
        this.defaultDirectory = home != null ? Path.of(home, "data", "recordings")
                : context.getDataFile("recordings").toPath();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "aqueduct-recording");
            t.setDaemon(true);
            return t;
        });
        configure(properties);
    }

    @Modified
    synchronized void configure(Map<String, Object> properties) {
        try {
            Settings s = Settings.of(PID, properties);
            StreamSelection wanted = StreamSelection.parse(s.string("streams", ""));
            String path = s.string("path", "");
            directory = path.isBlank() ? defaultDirectory : Path.of(path);
            selection = wanted;
            problem = null;
        } catch (InvalidSettingException e) {
            problem = "rejected " + e.getMessage() + "; keeping the previous settings";
            LOG.error("Rejected configuration {}", problem);
            return;
        } catch (IllegalArgumentException e) {
            problem = "rejected configuration " + PID + ": " + e.getMessage() + "; keeping the previous settings";
            LOG.error("{}", problem);
            return;
        }
        for (Map.Entry<StreamKey, Active> e : active.entrySet()) {
            if (!selection.matches(e.getKey())) {
                stop(e.getKey());
            }
        }
        for (StreamInfo info : hub.streams()) {
            streamStarted(info.key());
        }
    }

    @Deactivate
    void deactivate() {
        closed = true;
        for (StreamKey key : List.copyOf(active.keySet())) {
            stop(key);
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void streamStarted(StreamKey key) {
        if (closed || !selection.matches(key) || active.containsKey(key)) {
            return;
        }
        StreamRecording recording = new StreamRecording(key, directory, System::currentTimeMillis);
        SubscriptionDrain.start(hub, key, SUBSCRIPTION, executor, recording::accept, () -> finished(recording))
                .ifPresent(drain -> active.put(key, new Active(recording, drain)));
    }

    /**
     * The publication ended: its recording finishes on its own once the queued packets are written, and a
     * republish of the same key, which may come before that, starts a recording (a file) of its own.
     */
    @Override
    public synchronized void streamEnded(StreamKey key) {
        Active a = active.remove(key);
        if (a != null) {
            finishing.add(a);
        }
    }

    private void finished(StreamRecording recording) {
        try {
            recording.end();
        } finally {
            active.computeIfPresent(recording.key(), (k, a) -> a.recording() == recording ? null : a);
            finishing.removeIf(a -> a.recording() == recording);
            remember(recording);
        }
    }

    /** Finishes a recording whose stream is no longer selected; its file is closed properly. */
    private synchronized void stop(StreamKey key) {
        Active a = active.remove(key);
        if (a != null) {
            a.drain().close();
            executor.execute(() -> {
                a.recording().end();
                remember(a.recording());
            });
        }
    }

    private void remember(StreamRecording recording) {
        if (recording.failure() != null) {
            synchronized (failed) {
                failed.add(recording);
                if (failed.size() > 10) {
                    failed.remove(0);
                }
            }
        }
    }

    /** Recordings in progress, those still finishing the end of their stream included. */
    public List<StreamRecording> active() {
        List<StreamRecording> all = new ArrayList<>();
        active.values().forEach(a -> all.add(a.recording()));
        finishing.forEach(a -> all.add(a.recording()));
        return all;
    }

    public Path directory() {
        return directory;
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public HealthCheck check() {
        if (problem != null) {
            return HealthCheck.degraded(problem);
        }
        for (StreamRecording r : active()) {
            if (r.failure() != null) {
                return HealthCheck.degraded(r.failure());
            }
        }
        synchronized (failed) {
            if (!failed.isEmpty()) {
                return HealthCheck.degraded(failed.get(failed.size() - 1).failure());
            }
        }
        return HealthCheck.up();
    }
}
