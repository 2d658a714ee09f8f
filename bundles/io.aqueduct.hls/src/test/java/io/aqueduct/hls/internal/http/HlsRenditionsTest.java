package io.aqueduct.hls.internal.http;

import static io.aqueduct.hls.internal.segment.SyntheticStream.packets;
import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.hls.internal.HlsService;
import io.aqueduct.hls.internal.playlist.RenditionReport;
import io.aqueduct.hls.internal.stream.HlsStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/**
 * The multivariant playlist and rendition reports from what publishers declared, on the real hub and HLS service:
 * a user's stream named like a rendition stays out of the group.
 */
class HlsRenditionsTest {
    private static final StreamKey CAM = StreamKey.of("live", "cam");
    private static final StreamKey RENDITION = StreamKey.of("live", "cam_480p");
    private static final StreamKey USER = StreamKey.of("live", "cam_720p");
    private static final StreamKey OTHER_APP = StreamKey.of("low", "cam_240p");

    private final DefaultStreamHub hub = new DefaultStreamHub();
    private final HlsService service = new HlsService(hub, (BundleContext) Proxy.newProxyInstance(
            HlsRenditionsTest.class.getClassLoader(), new Class<?>[] {BundleContext.class}, (p, m, a) -> null),
            Map.of("grace.ms", "60000"));
    private final HlsRenditions renditions = new HlsRenditions(service);
    private final List<Publication> publications = new ArrayList<>();

    {
        hub.addListener(service);
    }

    @AfterEach
    void stop() {
        publications.forEach(Publication::close);
        service.deactivate();
    }

    /** Publishes two seconds of a synthetic stream and waits for its first segment. */
    private void publish(StreamKey key, PublishOptions options) throws Exception {
        Publication p = hub.publish(key, options);
        publications.add(p);
        for (MediaPacket packet : packets(0, 2_100_000, 30, 30, true, true)) {
            p.send(packet);
            Thread.sleep(0, 500_000); // a little faster than real time: HLS queues 4 s, no more
        }
        HlsStream stream = service.stream(key).orElseThrow();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (stream.snapshot().segments().isEmpty()) {
            assertThat(System.nanoTime()).as("%s has a segment within 10 s", key).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void theMasterPlaylistListsTheDeclaredRenditionsAndNotAUserStreamNamedLikeOne() throws Exception {
        publish(CAM, PublishOptions.DEFAULTS);
        publish(RENDITION, PublishOptions.DEFAULTS.withRenditionOf(CAM));
        publish(USER, PublishOptions.DEFAULTS);
        publish(OTHER_APP, PublishOptions.DEFAULTS.withRenditionOf(CAM));

        String master = renditions.master(CAM);
        assertThat(master).startsWith("#EXTM3U\n").contains("\nll.m3u8\n", "\n../cam_480p/ll.m3u8\n",
                "\n../../low/cam_240p/ll.m3u8\n").doesNotContain("cam_720p");
        assertThat(master.split("#EXT-X-STREAM-INF").length - 1).isEqualTo(3);
        assertThat(renditions.master(RENDITION)).as("a rendition's own master playlist: the same group")
                .contains("\n../cam/ll.m3u8\n", "\nll.m3u8\n", "\n../../low/cam_240p/ll.m3u8\n")
                .doesNotContain("cam_720p");
        assertThat(renditions.master(USER)).as("the user's stream is a group of its own")
                .doesNotContain("../").contains("\nll.m3u8\n");

        assertThat(renditions.reports(CAM)).extracting(RenditionReport::uri)
                .containsExactly("../cam_480p/ll.m3u8", "../../low/cam_240p/ll.m3u8");
        assertThat(renditions.reports(USER)).isEmpty();
        assertThat(renditions.group(OTHER_APP)).extracting(HlsStream::key).containsExactly(CAM, RENDITION, OTHER_APP);
    }

    @Test
    void aRepublishSaysAgainWhatTheStreamIs() throws Exception {
        publish(CAM, PublishOptions.DEFAULTS);
        publish(RENDITION, PublishOptions.DEFAULTS.withRenditionOf(CAM));
        assertThat(renditions.group(CAM)).extracting(HlsStream::key).containsExactly(CAM, RENDITION);
        publications.remove(1).close();
        // the same name, published by a user this time: within the grace period it continues its playlist, but it
        // is no longer one of live/cam's renditions
        publish(RENDITION, PublishOptions.DEFAULTS);
        assertThat(renditions.group(CAM)).extracting(HlsStream::key).containsExactly(CAM);
    }

    @Test
    void relativeUris() {
        assertThat(HlsRenditions.uri(CAM, CAM)).isEqualTo("ll.m3u8");
        assertThat(HlsRenditions.uri(CAM, RENDITION)).isEqualTo("../cam_480p/ll.m3u8");
        assertThat(HlsRenditions.uri(CAM, OTHER_APP)).isEqualTo("../../low/cam_240p/ll.m3u8");
    }
}
