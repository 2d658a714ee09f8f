package io.aqueduct.edge.internal.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.StreamKey;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A stream handler that queues what it hears: "start [tracks]", packets, "end r", "not found r", "lost r". */
final class Recorder implements RelayClient.StreamHandler, AutoCloseable {
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    volatile List<Track> startTracks;
    volatile Optional<StreamKey> startRenditionOf;

    @Override
    public void start(StreamKey key, Optional<StreamKey> renditionOf, List<Track> tracks) {
        startTracks = tracks;
        startRenditionOf = renditionOf;
        events.add("start " + key);
    }

    @Override
    public void packet(MediaPacket packet) {
        events.add(packet);
    }

    @Override
    public void end(String reason) {
        events.add("end " + reason);
    }

    @Override
    public void notFound(String reason) {
        events.add("not found " + reason);
    }

    @Override
    public void lost(String reason) {
        events.add("lost " + reason);
    }

    Object next() throws InterruptedException {
        Object o = events.poll(5, TimeUnit.SECONDS);
        assertThat(o).as("heard within 5 s").isNotNull();
        return o;
    }

    /** The next event, which must be a packet; the caller releases it. */
    MediaPacket nextPacket() throws InterruptedException {
        Object o = next();
        assertThat(o).isInstanceOf(MediaPacket.class);
        return (MediaPacket) o;
    }

    /** The next event that is not a packet (releasing packets on the way). */
    String nextNotPacket() throws InterruptedException {
        while (true) {
            Object o = next();
            if (o instanceof String s) {
                return s;
            }
            ReferenceCountUtil.release(o);
        }
    }

    Object poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Releases whatever packets are still queued. */
    @Override
    public void close() {
        for (Object o; (o = events.poll()) != null; ) {
            ReferenceCountUtil.release(o);
        }
    }
}
