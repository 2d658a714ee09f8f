package io.aqueduct.ffmpeg.internal;

import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.ffmpeg.FfmpegCapabilities;
import io.aqueduct.ffmpeg.FfmpegRuntime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads FFmpeg when the bundle starts (on a thread of its own: the first start on a machine extracts about 90 MB of
 * natives) and reports what this node can do with it in the {@code ffmpeg} health check. A node whose FFmpeg cannot be loaded
 * goes on serving everything else; the check says why (DEGRADED).
 */
@Component(service = {HealthIndicator.class, FfmpegRuntime.class}, immediate = true)
public final class FfmpegNode implements HealthIndicator, FfmpegRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegNode.class);
    /**
     * JavaCPP's system property for where it extracts the natives (about 90 MB, once per version): bin/aqueduct sets
     * {@code data/javacpp}; unset, it is {@code ~/.javacpp/cache}.
     */
    static final String CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";

    private volatile HealthCheck state = new HealthCheck(HealthCheck.Status.UP, "loading the FFmpeg libraries");
    private final CompletableFuture<FfmpegCapabilities> capabilities = new CompletableFuture<>();

    @Activate
    public FfmpegNode() {
        Thread loader = new Thread(this::load, "aqueduct-ffmpeg-probe");
        loader.setDaemon(true);
        loader.start();
    }

    private void load() {
        long start = System.nanoTime();
        try {
            FfmpegCapabilities c = FfmpegProbe.probe();
            state = new HealthCheck(HealthCheck.Status.UP, c.describe());
            LOG.info("{} (probed in {} ms; natives in {})", c.describe(), (System.nanoTime() - start) / 1_000_000,
                    System.getProperty(CACHE_PROPERTY, "~/.javacpp/cache"));
            capabilities.complete(c);
        } catch (LinkageError | RuntimeException e) {
            String why = "FFmpeg cannot be loaded, so streams are not transcoded: " + e;
            state = HealthCheck.degraded(why);
            LOG.error(why, e);
            capabilities.completeExceptionally(new IllegalStateException(why, e));
        }
    }

    @Override
    public CompletionStage<FfmpegCapabilities> capabilities() {
        return capabilities.minimalCompletionStage();
    }

    @Override
    public String name() {
        return "ffmpeg";
    }

    @Override
    public HealthCheck check() {
        return state;
    }
}
