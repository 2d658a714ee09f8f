package io.aqueduct.hls.internal.http;

import io.aqueduct.api.stream.StreamKey;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * HLS viewers of each stream: the distinct clients that fetched one of its playlists, segments or parts within the
 * window (players reload the playlist at least once per target duration, so a window of a few target durations sees
 * every player that still plays). A client is its address, or the first address of {@code X-Forwarded-For} when a
 * balancer forwards the request: players behind one address count once.
 *
 * <p>Memory stays bounded: entries older than the window are dropped at least once per window, and a stream tracks
 * at most {@value #MAX_CLIENTS_PER_STREAM} clients (more still count as that many).
 */
final class HlsViewers {
    static final int MAX_CLIENTS_PER_STREAM = 100_000;

    private final long windowNanos;
    private final LongSupplier nanoClock;
    /** Guarded by this: when each client of each stream was last seen. */
    private final Map<StreamKey, Map<String, Long>> seen = new HashMap<>();
    private long prunedNanos;

    HlsViewers(long windowNanos, LongSupplier nanoClock) {
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
        this.prunedNanos = nanoClock.getAsLong();
    }

    /** {@code client} fetched something of {@code key} now. */
    synchronized void seen(StreamKey key, String client) {
        long now = nanoClock.getAsLong();
        Map<String, Long> clients = seen.computeIfAbsent(key, k -> new HashMap<>());
        if (clients.size() < MAX_CLIENTS_PER_STREAM || clients.containsKey(client)) {
            clients.put(client, now);
        }
        if (now - prunedNanos > windowNanos) {
            prune(now);
        }
    }

    /** Clients seen within the window, per stream that has any. */
    synchronized Map<StreamKey, Integer> viewers() {
        prune(nanoClock.getAsLong());
        Map<StreamKey, Integer> counts = new TreeMap<>();
        seen.forEach((key, clients) -> counts.put(key, clients.size()));
        return counts;
    }

    private void prune(long now) {
        prunedNanos = now;
        for (Iterator<Map<String, Long>> streams = seen.values().iterator(); streams.hasNext(); ) {
            Map<String, Long> clients = streams.next();
            clients.values().removeIf(last -> now - last > windowNanos);
            if (clients.isEmpty()) {
                streams.remove();
            }
        }
    }

    /** Who a request comes from: the first {@code X-Forwarded-For} address when there is one, else the peer. */
    static String client(String remoteAddress, String forwardedFor) {
        if (forwardedFor != null) {
            int comma = forwardedFor.indexOf(',');
            String first = (comma < 0 ? forwardedFor : forwardedFor.substring(0, comma)).strip();
            if (!first.isEmpty() && first.length() <= 64) {
                return first;
            }
        }
        return remoteAddress;
    }
}
