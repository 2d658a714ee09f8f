package io.aqueduct.hls.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.stream.StreamKey;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HlsViewersTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong(42 * SECOND);
    private final HlsViewers viewers = new HlsViewers(6 * SECOND, clock::get);
    private final StreamKey cam = StreamKey.of("live", "cam");
    private final StreamKey other = StreamKey.of("live", "other");

    @Test
    void distinctClientsWithinTheWindowCountPerStream() {
        viewers.seen(cam, "10.0.0.1");
        viewers.seen(cam, "10.0.0.1");
        viewers.seen(cam, "10.0.0.2");
        viewers.seen(other, "10.0.0.1");
        assertThat(viewers.viewers()).isEqualTo(Map.of(cam, 2, other, 1));

        clock.addAndGet(4 * SECOND);
        viewers.seen(cam, "10.0.0.2"); // still playing
        clock.addAndGet(3 * SECOND);
        assertThat(viewers.viewers()).as("10.0.0.1 stopped fetching 7 s ago").isEqualTo(Map.of(cam, 1));
        clock.addAndGet(7 * SECOND);
        assertThat(viewers.viewers()).isEmpty();
    }

    @Test
    void oldEntriesAreDroppedWhileRequestsComeEvenWhenNobodyAsksForTheCounts() {
        for (int i = 0; i < 1000; i++) {
            viewers.seen(StreamKey.of("live", "s" + i), "10.0.0.1");
        }
        clock.addAndGet(7 * SECOND);
        viewers.seen(cam, "10.0.0.9");
        assertThat(viewers.viewers()).isEqualTo(Map.of(cam, 1));
    }

    @Test
    void aForwardedRequestCountsTheFirstForwardedAddress() {
        assertThat(HlsViewers.client("127.0.0.1", null)).isEqualTo("127.0.0.1");
        assertThat(HlsViewers.client("127.0.0.1", "203.0.113.7, 10.0.0.2")).isEqualTo("203.0.113.7");
        assertThat(HlsViewers.client("127.0.0.1", " ")).isEqualTo("127.0.0.1");
        assertThat(HlsViewers.client("127.0.0.1", "x".repeat(65))).isEqualTo("127.0.0.1");
    }
}
