package io.aqueduct.transcode.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.ffmpeg.FfmpegCapabilities;
import io.aqueduct.ffmpeg.FfmpegRuntime;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The component on the real hub: which streams it transcodes, and what a bad configuration does. */
class LadderTranscoderTest {
    private static final FfmpegRuntime CPU = () -> CompletableFuture.completedFuture(
            new FfmpegCapabilities("test", List.of("libx264"), false, false, "none (test)"));
    private final DefaultStreamHub hub = new DefaultStreamHub();
    private LadderTranscoder ladder;

    @AfterEach
    void stop() throws InterruptedException {
        if (ladder != null) {
            ladder.deactivate();
        }
    }

    /** A configuration: the given values, the annotation's defaults for the rest. */
    static LadderTranscoder.Config config(Map<String, Object> values) {
        return (LadderTranscoder.Config) Proxy.newProxyInstance(LadderTranscoder.Config.class.getClassLoader(),
                new Class<?>[] {LadderTranscoder.Config.class}, (proxy, method, args) -> values.containsKey(
                        method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private LadderTranscoder start(Map<String, Object> values) {
        ladder = new LadderTranscoder(hub, CPU, config(values));
        hub.addListener(ladder);
        return ladder;
    }

    @Test
    void itTranscodesItsApplicationsStreamsButNotOthersNorTheRenditionsThemselves() throws Exception {
        try (Publication already = hub.publish(StreamKey.of("live", "before"))) {
            start(Map.of("app", "live"));
            try (Publication other = hub.publish(StreamKey.of("vod", "cam"));
                    Publication rendition = hub.publish(StreamKey.of("live", "cam_240p"),
                            PublishOptions.DEFAULTS.withRenditionOf(StreamKey.of("live", "cam")));
                    Publication user = hub.publish(StreamKey.of("live", "user_720p"));
                    Publication source = hub.publish(StreamKey.of("live", "cam"))) {
                // a rendition is what its publisher says it is, whatever its name
                assertThat(ladder.statuses()).extracting(s -> s.source().toString())
                        .containsExactly("live/before", "live/cam", "live/user_720p");
                HealthCheck h = ladder.check();
                assertThat(ladder.name()).isEqualTo("transcode-live");
                assertThat(h.status()).isEqualTo(HealthCheck.Status.UP);
                assertThat(h.message()).startsWith("live into 720p:2500k:copy, 480p:1200k:copy, 240p:400k:64k; ")
                        .contains("live/cam: ");
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!ladder.statuses().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ladder.statuses()).as("ended streams leave").isEmpty();
        assertThat(ladder.check().message()).endsWith("; no live stream");
    }

    @Test
    void aBadValueIsNamedInTheHealthCheckAndNothingIsTranscoded() throws Exception {
        start(Map.of("app", "live", "renditions", "720p:fast"));
        try (Publication source = hub.publish(StreamKey.of("live", "cam"))) {
            HealthCheck h = ladder.check();
            assertThat(h.status()).isEqualTo(HealthCheck.Status.DEGRADED);
            assertThat(h.message()).contains("renditions = '720p:fast' is not valid").contains("'fast' is not a "
                    + "bitrate").endsWith("this ladder transcodes nothing until it is fixed");
            assertThat(ladder.statuses()).isEmpty();
        }
        ladder.deactivate();
        ladder = null;
        List<Map<String, Object>> bads = List.of(Map.of("app", ""), Map.of("app", "live", "encoder", "x265"),
                Map.of("app", "live", "max_lag_ms", 10L), Map.of("app", "live", "max_gop_ms", 100L));
        for (Map<String, Object> bad : bads) {
            LadderTranscoder l = new LadderTranscoder(hub, CPU, config(bad));
            assertThat(l.check().status()).as("%s", bad).isEqualTo(HealthCheck.Status.DEGRADED);
            l.deactivate();
        }
    }
}
