package io.aqueduct.rtmp.internal.server;

import io.aqueduct.api.stream.StreamKey;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stream name as RTMP clients send it: {@code test} or {@code test?token=abc} in publish/play, with the
 * application from connect ({@code live}, possibly {@code live?token=abc} too).
 *
 * @param parameters query parameters of both, the stream name's winning
 */
record StreamName(StreamKey key, Map<String, String> parameters) {

    /** @throws IllegalArgumentException saying what is wrong with the name */
    static StreamName parse(String app, String name) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String appName = stripQuery(app == null ? "" : app, parameters);
        String streamName = stripQuery(name == null ? "" : name, parameters);
        if (appName.endsWith("/")) {
            appName = appName.substring(0, appName.length() - 1);
        }
        return new StreamName(StreamKey.of(appName, streamName), parameters);
    }

    private static String stripQuery(String s, Map<String, String> parameters) {
        int q = s.indexOf('?');
        if (q < 0) {
            return s;
        }
        for (String pair : s.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                parameters.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                parameters.put(k, v); // a malformed escape is kept as it came
            }
        }
        return s.substring(0, q);
    }
}
