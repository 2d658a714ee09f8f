package io.aqueduct.api.stream;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A playback protocol's viewers of each stream on this node, a whiteboard service (RTMP and HLS register one). An edge
 * releases a pulled stream nobody has watched for a while; the cluster registry gets the node's total.
 *
 * <p>What counts as a viewer is the protocol's to say: an RTMP player is a connection playing the stream; HLS, which
 * has no connection, counts the clients that fetched the stream recently.
 */
@ConsumerType
public interface ViewerCount {

    /** The protocol, for display: {@code rtmp}, {@code hls}. */
    String protocol();

    /** Viewers of each stream now; a stream without viewers may be left out. Cheap: called every second. */
    Map<StreamKey, Integer> viewers();

    /** The viewers of every stream over all {@code counts}, by key; a count that throws counts nothing. */
    static Map<StreamKey, Integer> total(Collection<ViewerCount> counts) {
        Map<StreamKey, Integer> total = new TreeMap<>();
        for (ViewerCount c : counts) {
            try {
                c.viewers().forEach((key, n) -> {
                    if (n > 0) {
                        total.merge(key, n, Integer::sum);
                    }
                });
            } catch (RuntimeException e) {
                // one protocol's failure does not hide the others' viewers
            }
        }
        return total;
    }
}
