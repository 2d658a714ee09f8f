package io.aqueduct.hls.internal.stream;

import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.hls.internal.playlist.InitSection;
import io.aqueduct.hls.internal.playlist.MediaPlaylistWriter;
import io.aqueduct.hls.internal.playlist.Part;
import io.aqueduct.hls.internal.playlist.RenditionReport;
import io.aqueduct.hls.internal.playlist.Segment;
import io.aqueduct.hls.internal.segment.HlsSettings;
import java.util.List;

/**
 * One published state of an HLS stream: the complete segments kept (the playlist window and a few more), the
 * growing segment, whether the stream has ended. Immutable; playlists are rendered from it on request (a few
 * microseconds: they are short).
 *
 * @param segments complete segments kept in memory, oldest first
 * @param growing the segment being written, with its parts so far; null when none
 */
public record HlsSnapshot(StreamKey key, List<Segment> segments, Segment growing, boolean ended,
        int targetDurationSeconds, HlsSettings settings, long version) {

    /** The complete segments the playlists list: the newest {@code window} of them. */
    public List<Segment> listed() {
        int n = segments.size();
        return segments.subList(Math.max(0, n - settings.windowSegments()), n);
    }

    public String classicPlaylist() {
        return MediaPlaylistWriter.classic(listed(), targetDurationSeconds, ended);
    }

    public String lowLatencyPlaylist(List<RenditionReport> reports) {
        return MediaPlaylistWriter.lowLatency(listed(), growing, targetDurationSeconds, settings.partTargetMicros(),
                ended, reports);
    }

    /** The sequence number of the newest segment, growing or complete; -1 when there is none. */
    public long lastSequenceNumber() {
        if (growing != null) {
            return growing.sequenceNumber();
        }
        return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).sequenceNumber();
    }

    /** The index of the newest part of the newest segment; -1 when there is none. */
    public int lastPart() {
        if (growing != null) {
            return growing.parts().size() - 1;
        }
        return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).parts().size() - 1;
    }

    /**
     * Whether a playlist of this snapshot answers a blocking reload for segment {@code msn} (and its part
     * {@code part}, or -1 for the whole segment), as RFC 8216bis 6.2.5.2 defines it: that segment (part) or a later
     * one is in the playlist.
     */
    public boolean has(long msn, int part) {
        if (growing != null) {
            if (growing.sequenceNumber() > msn) {
                return true;
            }
            if (growing.sequenceNumber() == msn && part >= 0 && growing.parts().size() > part) {
                return true;
            }
        }
        return !segments.isEmpty() && segments.get(segments.size() - 1).sequenceNumber() >= msn;
    }

    /** A complete segment still in memory. */
    public Segment segment(long msn) {
        if (segments.isEmpty()) {
            return null;
        }
        long index = msn - segments.get(0).sequenceNumber();
        if (index >= 0 && index < segments.size() && segments.get((int) index).sequenceNumber() == msn) {
            return segments.get((int) index);
        }
        // numbers are contiguous but for a segment that could not be muxed at all: look, never guess
        for (Segment s : segments) {
            if (s.sequenceNumber() == msn) {
                return s;
            }
        }
        return null;
    }

    /** A part of a complete segment in memory or of the growing one. */
    public Part part(long msn, int index) {
        Segment s = growing != null && growing.sequenceNumber() == msn ? growing : segment(msn);
        return s != null && index >= 0 && index < s.parts().size() ? s.parts().get(index) : null;
    }

    public InitSection init(String name) {
        if (growing != null && growing.init() != null && growing.init().name().equals(name)) {
            return growing.init();
        }
        for (Segment s : segments) {
            if (s.init() != null && s.init().name().equals(name)) {
                return s.init();
            }
        }
        return null;
    }
}
