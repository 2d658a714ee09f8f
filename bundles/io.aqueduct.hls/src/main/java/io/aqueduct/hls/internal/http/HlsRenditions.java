package io.aqueduct.hls.internal.http;

import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.hls.internal.HlsService;
import io.aqueduct.hls.internal.playlist.RenditionReport;
import io.aqueduct.hls.internal.stream.HlsSnapshot;
import io.aqueduct.hls.internal.stream.HlsStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The renditions of a stream, as their publishers declared them ({@link io.aqueduct.api.stream.PublishOptions}: a
 * transcoder publishes each rung of its ladder as a rendition of the source), never guessed from names: a user's
 * {@code live/cam_720p} is a stream of its own. A group is a source and the streams HLS has (live or in their grace
 * period) that say they are its renditions; it gives the multivariant playlist and the LL-HLS rendition reports.
 */
final class HlsRenditions {
    private final HlsService service;

    HlsRenditions(HlsService service) {
        this.service = service;
    }

    /** The group of {@code key}: its source (the stream itself, or the one it is a rendition of) and its renditions. */
    List<HlsStream> group(StreamKey key) {
        StreamKey source = service.stream(key).flatMap(HlsStream::renditionOf).orElse(key);
        List<HlsStream> out = new ArrayList<>();
        for (HlsStream s : service.streams()) {
            if (s.key().equals(source) || s.renditionOf().filter(source::equals).isPresent()) {
                out.add(s);
            }
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    /** Where the others of {@code key}'s group stand, for its LL-HLS playlist. */
    List<RenditionReport> reports(StreamKey key) {
        List<RenditionReport> reports = new ArrayList<>();
        for (HlsStream s : group(key)) {
            HlsSnapshot snap = s.snapshot();
            if (!s.key().equals(key) && snap.lastSequenceNumber() >= 0) {
                reports.add(new RenditionReport(uri(key, s.key()), snap.lastSequenceNumber(), snap.lastPart()));
            }
        }
        return reports;
    }

    /** The multivariant playlist of {@code key}'s group: every member with an initialization section. */
    String master(StreamKey key) {
        List<MasterPlaylistWriter.Variant> variants = new ArrayList<>();
        for (HlsStream s : group(key)) {
            MasterPlaylistWriter.Variant v = MasterPlaylistWriter.Variant.of(uri(key, s.key()), s.snapshot());
            if (v != null) {
                variants.add(v);
            }
        }
        return MasterPlaylistWriter.write(variants);
    }

    /** The LL-HLS playlist of {@code to}, relative to a playlist of {@code from} ({@code /<app>/<stream>/...}). */
    static String uri(StreamKey from, StreamKey to) {
        if (to.equals(from)) {
            return "ll.m3u8";
        }
        return (to.app().equals(from.app()) ? "../" : "../../" + to.app() + "/") + to.name() + "/ll.m3u8";
    }
}
