package io.aqueduct.edge.internal.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionOptions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A subscriber of a hub (a viewer on the edge, say) that queues the packets it gets. */
final class HubWatcher implements AutoCloseable {
    private final BlockingQueue<MediaPacket> packets = new LinkedBlockingQueue<>();
    final Subscription subscription;

    HubWatcher(StreamHub hub, StreamKey key) {
        // drained on the publisher's thread and here (the GOP cache), one at a time so the order holds
        subscription = hub.subscribe(key, SubscriptionOptions.DEFAULTS, this::take)
                .orElseThrow(() -> new AssertionError(key + " is not live"));
        take(subscription);
    }

    private synchronized void take(Subscription s) {
        for (MediaPacket p; (p = s.poll()) != null; ) {
            packets.add(p);
        }
    }

    /** The next packet; the caller releases it. */
    MediaPacket next() throws InterruptedException {
        MediaPacket p = packets.poll(5, TimeUnit.SECONDS);
        assertThat(p).as("a packet within 5 s").isNotNull();
        return p;
    }

    MediaPacket poll(long millis) throws InterruptedException {
        return packets.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        subscription.close();
        for (MediaPacket p; (p = packets.poll()) != null; ) {
            p.release();
        }
    }
}
