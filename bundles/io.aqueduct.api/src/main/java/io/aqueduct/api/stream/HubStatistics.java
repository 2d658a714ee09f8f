package io.aqueduct.api.stream;

/**
 * Counters over the life of a hub.
 *
 * @param liveStreams streams live now
 * @param subscribers subscriptions open now
 * @param streamsStarted streams published since start
 * @param droppedPackets packets lost by slow subscribers
 * @param skips times a slow subscriber was skipped forward to a keyframe
 * @param slowDisconnects subscribers disconnected for being too slow
 */
public record HubStatistics(int liveStreams, int subscribers, long streamsStarted, long droppedPackets, long skips,
        long slowDisconnects) {
}
