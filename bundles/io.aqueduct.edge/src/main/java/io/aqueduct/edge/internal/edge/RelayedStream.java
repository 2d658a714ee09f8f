package io.aqueduct.edge.internal.edge;

import io.aqueduct.api.media.MediaPacket;
import io.aqueduct.api.media.Track;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.StreamAlreadyLiveException;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamKey;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream pulled from an origin and republished into this edge's hub, where all its viewers share it.
 *
 * <p>{@link #open} subscribes through the origin's {@link RelayClient}; when the origin confirms the stream (STREAM)
 * the stream is published into the edge hub under the same key, and every relayed packet is sent into that
 * publication as it arrives. The publication is closed when the origin ends the stream, when the connection to the
 * origin is lost, and by {@link #close()}; the edge's viewers then hear that the publisher left. Everything but
 * {@link #close()} runs on the client's event loop.
 */
public final class RelayedStream implements RelayClient.StreamHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayedStream.class);

    private final RelayClient client;
    private final StreamHub hub;
    private final StreamKey key;
    private final Consumer<String> onEnd;
    private volatile RelayClient.RelaySubscription subscription;
    private Publication publication;
    private volatile boolean live;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile long packets;
    private volatile int announcedTracks;

    private RelayedStream(RelayClient client, StreamHub hub, StreamKey key, Consumer<String> onEnd) {
        this.client = client;
        this.hub = hub;
        this.key = key;
        this.onEnd = onEnd;
    }

    /**
     * Starts pulling {@code key} from the client's origin into {@code hub}.
     *
     * @param onEnd told once, on the client's event loop, why the relayed stream ended when it ends other than by
     *        {@link #close()}: not live on the origin, ended there, the connection lost, or the key already live
     *        on this edge
     */
    public static RelayedStream open(RelayClient client, StreamHub hub, StreamKey key, Consumer<String> onEnd) {
        RelayedStream s = new RelayedStream(Objects.requireNonNull(client, "client"), Objects.requireNonNull(hub,
                "hub"), Objects.requireNonNull(key, "key"), Objects.requireNonNull(onEnd, "onEnd"));
        // The handler is called on the event loop after this assignment (subscribe hands the work to it).
        s.subscription = client.subscribe(key, s);
        return s;
    }

    public StreamKey key() {
        return key;
    }

    /** True while the stream is published in the edge hub. */
    public boolean isLive() {
        return live;
    }

    /** How many tracks the origin announced when the relay started (0 before). */
    public int announcedTracks() {
        return announcedTracks;
    }

    /** Packets republished so far. */
    public long packets() {
        return packets;
    }

    @Override
    public void start(StreamKey key, List<Track> tracks) {
        if (finished.get()) {
            return;
        }
        try {
            publication = hub.publish(key);
        } catch (StreamAlreadyLiveException e) {
            LOG.warn("cannot republish {} from origin {}: {}", key, client.originId(), e.getMessage());
            subscription.close();
            finish("already live on this edge");
            return;
        }
        announcedTracks = tracks.size();
        live = true;
        LOG.info("relaying {} from origin {} ({}) with tracks {}", key, client.originId(), client.origin(), tracks);
    }

    @Override
    public void packet(MediaPacket packet) {
        if (publication == null) {
            packet.release();
            return;
        }
        publication.send(packet);
        packets++;
    }

    @Override
    public void end(String reason) {
        finish("ended on the origin: " + reason);
    }

    @Override
    public void notFound(String reason) {
        finish("not found on the origin: " + reason);
    }

    @Override
    public void lost(String reason) {
        finish("lost the origin: " + reason);
    }

    /** Stops the pull and ends the stream in the edge hub; {@code onEnd} is not called. */
    @Override
    public void close() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        subscription.close();
        client.eventLoop().execute(this::closePublication);
    }

    private void finish(String reason) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        closePublication();
        LOG.info("relayed stream {} ends: {}", key, reason);
        onEnd.accept(reason);
    }

    private void closePublication() {
        live = false;
        if (publication != null) {
            publication.close();
            publication = null;
        }
    }
}
