package io.aqueduct.api.stream;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The live streams of this node. Ingest bundles publish into it; players, segmenters, recorders,
 * transcoders and relays subscribe to it. Streams announce their start and end to every
 * {@link StreamLifecycleListener} service.
 */
@ProviderType
public interface StreamHub {

    /**
     * Starts a live stream in its own right ({@link PublishOptions#DEFAULTS}).
     *
     * @throws StreamAlreadyLiveException when the key already has a publisher
     */
    default Publication publish(StreamKey key) throws StreamAlreadyLiveException {
        return publish(key, PublishOptions.DEFAULTS);
    }

    /**
     * Starts a live stream with what its publisher says about it (for example that it is a rendition of another
     * stream), which its {@link StreamInfo} carries.
     *
     * @throws StreamAlreadyLiveException when the key already has a publisher
     * @throws IllegalArgumentException when the options name the key itself as its source
     */
    Publication publish(StreamKey key, PublishOptions options) throws StreamAlreadyLiveException;

    /**
     * Subscribes to a live stream. The subscription starts at the stream's last video keyframe (so playback
     * can start at once) and is told through {@code listener} whenever packets or the end are ready.
     *
     * @return the subscription, or empty when the stream is not live
     */
    Optional<Subscription> subscribe(StreamKey key, SubscriptionOptions options, SubscriptionListener listener);

    /** The stream's current state, or empty when it is not live. */
    Optional<StreamInfo> stream(StreamKey key);

    /** Every live stream, ordered by key. */
    List<StreamInfo> streams();

    /** Counters over the life of this hub. */
    HubStatistics statistics();
}
