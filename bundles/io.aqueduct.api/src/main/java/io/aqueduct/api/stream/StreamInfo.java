package io.aqueduct.api.stream;

import io.aqueduct.api.media.Track;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param renditionOf the stream this one is a rendition of, as its publisher said ({@link PublishOptions})
 */
public record StreamInfo(StreamKey key, Instant started, List<Track> tracks, int subscribers, long packetsIn,
        long bytesIn, long droppedPackets, long skips, long slowDisconnects, Optional<StreamKey> renditionOf) {

    public StreamInfo {
        tracks = List.copyOf(tracks);
        Objects.requireNonNull(renditionOf, "renditionOf");
    }

    /** A stream in its own right (the form of version 1.2 of this package). */
    public StreamInfo(StreamKey key, Instant started, List<Track> tracks, int subscribers, long packetsIn,
            long bytesIn, long droppedPackets, long skips, long slowDisconnects) {
        this(key, started, tracks, subscribers, packetsIn, bytesIn, droppedPackets, skips, slowDisconnects,
                Optional.empty());
    }
}
