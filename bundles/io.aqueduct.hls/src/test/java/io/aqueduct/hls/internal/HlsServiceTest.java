package io.aqueduct.hls.internal;

import static io.aqueduct.hls.internal.segment.SyntheticStream.packets;
import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.hls.internal.playlist.Segment;
import io.aqueduct.hls.internal.stream.HlsSnapshot;
import io.aqueduct.hls.internal.stream.HlsStream;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/** HlsService on the real hub, without a framework: runs, ends, republishes. */
class HlsServiceTest {
    private static final StreamKey KEY = StreamKey.of("live", "cam");
    private final DefaultStreamHub hub = new DefaultStreamHub();
    private final HlsService service = new HlsService(hub, context(), Map.of("grace.ms", "60000"));

    {
        hub.addListener(service);
    }

    /** A bundle context that knows no properties: enough for the service outside a framework. */
    private static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(HlsServiceTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> null);
    }

    @AfterEach
    void stop() {
        service.deactivate();
    }

    /**
     * Sends like a publisher, a little faster than real time: all at once would overflow the HLS queue (4 s of
     * media), and the hub would rightly skip it forward.
     */
    private static void send(Publication publication, List<MediaPacket> packets) throws InterruptedException {
        for (MediaPacket p : packets) {
            publication.send(p);
            Thread.sleep(0, 500_000);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aStreamBecomesHlsAndItsEndClosesThePlaylist() throws Exception {
        Publication p = hub.publish(KEY);
        send(p, packets(0, 5_000_000, 30, 60, true, true));
        HlsStream stream = service.stream(KEY).orElseThrow();
        await("two segments", () -> stream.snapshot().segments().size() == 2);
        p.close();
        await("the end", () -> stream.snapshot().ended());
        assertThat(new String(stream.classicPlaylist())).endsWith("#EXT-X-ENDLIST\n");
    }

    @Test
    void aRepublishRightAfterTheEndContinuesThePlaylistAfterADiscontinuity() throws Exception {
        Publication first = hub.publish(KEY);
        send(first, packets(0, 4_100_000, 30, 60, true, true));
        first.close();
        // the publisher is back at once, before HLS may have drained the first run's tail
        Publication second = hub.publish(KEY);
        send(second, packets(0, 4_100_000, 30, 60, true, true));
        HlsStream stream = service.stream(KEY).orElseThrow();
        await("segments of the second run", () -> stream.snapshot().segments().stream()
                .anyMatch(Segment::discontinuity) && stream.snapshot().segments().size() >= 3);
        HlsSnapshot s = stream.snapshot();
        assertThat(s.ended()).isFalse();
        List<Long> numbers = s.segments().stream().map(Segment::sequenceNumber).toList();
        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(numbers.get(i - 1) + 1);
        }
        second.close();
        await("the end of the second run", () -> stream.snapshot().ended());
    }
}
