package io.aqueduct.api.access;

import io.aqueduct.api.stream.StreamKey;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One publish or play attempt.
 *
 * @param protocol {@code rtmp}, {@code hls}, {@code whip}, {@code whep}, ...
 * @param remote the client's address
 * @param parameters the query parameters the client sent with the stream name (for example a token)
 */
public record AccessRequest(String protocol, StreamKey key, InetSocketAddress remote, Map<String, String> parameters) {

    public AccessRequest {
        parameters = Map.copyOf(parameters);
    }
}
