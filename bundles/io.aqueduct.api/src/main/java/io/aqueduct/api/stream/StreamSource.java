package io.aqueduct.api.stream;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A whiteboard service that can bring a stream that is not live on this node into its hub: an edge pulls it from
 * its origin. Playback protocols ask every source when a viewer wants a stream the hub does not have, then subscribe
 * as usual. Later viewers find the stream live and share it.
 */
@ConsumerType
public interface StreamSource {

    /**
     * Brings the stream in, if this source can. Called on network threads: return at once and complete the stage
     * later.
     *
     * @return a stage completed with null once the stream is live in the hub, or with the reason this source cannot
     *         provide it (shown to the viewer: where the stream is not, and why); it must complete in bounded time
     */
    CompletionStage<String> request(StreamKey key);
}
