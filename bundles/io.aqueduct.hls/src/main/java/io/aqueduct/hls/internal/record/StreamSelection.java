package io.aqueduct.hls.internal.record;

import io.aqueduct.api.stream.StreamKey;
import java.util.LinkedHashSet;
import java.util.Set;

/** Which streams to record: {@code <app>/<stream>} names one, {@code <app>/*} every stream of an application. */
record StreamSelection(Set<StreamKey> streams, Set<String> apps) {

    /**
     * Parses a comma-separated list.
     *
     * @throws IllegalArgumentException naming the entry that is not a stream key or {@code <app>/*}
     */
    static StreamSelection parse(String value) {
        Set<StreamKey> streams = new LinkedHashSet<>();
        Set<String> apps = new LinkedHashSet<>();
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                if (entry.endsWith("/*")) {
                    String app = entry.substring(0, entry.length() - 2);
                    apps.add(StreamKey.of(app, "x").app());
                } else {
                    streams.add(StreamKey.parse(entry));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("streams: '" + entry + "' is not <app>/<stream> or <app>/*: "
                        + e.getMessage(), e);
            }
        }
        return new StreamSelection(Set.copyOf(streams), Set.copyOf(apps));
    }

    boolean matches(StreamKey key) {
        return apps.contains(key.app()) || streams.contains(key);
    }
}
