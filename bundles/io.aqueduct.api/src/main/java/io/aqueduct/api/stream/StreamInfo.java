package io.aqueduct.api.stream;

import io.aqueduct.api.media.Track;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one live stream.
 *
 * @param tracks the latest configuration of each track seen so far, by track id
 * @param subscribers subscriptions open now
 * @param packetsIn packets published
 * @param bytesIn payload bytes published
 * @param droppedPackets packets lost by slow subscribers of this stream
 * @param skips times a slow subscriber of this stream was skipped forward
 * @param slowDisconnects subscribers of this stream disconnected for being too slow
 */
public record StreamInfo(StreamKey key, Instant started, List<Track> tracks, int subscribers, long packetsIn,
        long bytesIn, long droppedPackets, long skips, long slowDisconnects) {

    public StreamInfo {
        tracks = List.copyOf(tracks);
    }
}
