package io.aqueduct.ffmpeg;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * FFmpeg on this node, loaded once when the bundle starts. Users of the {@code org.bytedeco.ffmpeg} classes wait
 * for {@link #capabilities()} before their first call, so the natives are extracted and loaded exactly once.
 */
@ProviderType
public interface FfmpegRuntime {
    /**
     * What FFmpeg can do here. Completes when the natives are loaded and probed (a second or two after the start;
     * the first start on a machine extracts them, longer), exceptionally with the reason when they cannot be loaded.
     */
    CompletionStage<FfmpegCapabilities> capabilities();
}
