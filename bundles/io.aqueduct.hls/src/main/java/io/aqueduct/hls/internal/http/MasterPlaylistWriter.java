package io.aqueduct.hls.internal.http;

import io.aqueduct.hls.internal.playlist.InitSection;
import io.aqueduct.hls.internal.playlist.Segment;
import io.aqueduct.hls.internal.stream.HlsSnapshot;
import java.util.List;

/** Writes a multivariant (master) playlist, RFC 8216 4.3.4.2: one EXT-X-STREAM-INF per rendition. */
final class MasterPlaylistWriter {
    /** Used until a rendition has a complete segment to measure. */
    static final long DEFAULT_BANDWIDTH = 1_000_000;

    private MasterPlaylistWriter() {
    }

    /**
     * One rendition.
     *
     * @param bandwidth peak bits per second over the segments in memory
     */
    record Variant(String uri, long bandwidth, long averageBandwidth, String codecs, int width, int height) {

        /** The variant a stream's snapshot describes; null before it has an initialization section. */
        static Variant of(String uri, HlsSnapshot snapshot) {
            InitSection init = snapshot.growing() != null ? snapshot.growing().init()
                    : snapshot.segments().isEmpty() ? null : snapshot.segments().get(snapshot.segments().size() - 1)
                            .init();
            if (init == null) {
                return null;
            }
            long peak = 0;
            long bytes = 0;
            long micros = 0;
            for (Segment s : snapshot.segments()) {
                if (s.durationMicros() > 0) {
                    peak = Math.max(peak, s.fmp4Length() * 8L * 1_000_000 / s.durationMicros());
                    bytes += s.fmp4Length();
                    micros += s.durationMicros();
                }
            }
            long average = micros > 0 ? bytes * 8L * 1_000_000 / micros : 0;
            return new Variant(uri, peak > 0 ? peak : DEFAULT_BANDWIDTH, average, init.codecs(), init.width(),
                    init.height());
        }
    }

    static String write(List<Variant> variants) {
        StringBuilder s = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        List<Variant> sorted = variants.stream()
                .sorted((a, b) -> Long.compare(b.bandwidth(), a.bandwidth())).toList();
        for (Variant v : sorted) {
            s.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(v.bandwidth());
            if (v.averageBandwidth() > 0) {
                s.append(",AVERAGE-BANDWIDTH=").append(v.averageBandwidth());
            }
            if (v.width() > 0 && v.height() > 0) {
                s.append(",RESOLUTION=").append(v.width()).append('x').append(v.height());
            }
            s.append(",CODECS=\"").append(v.codecs()).append("\"\n").append(v.uri()).append('\n');
        }
        return s.toString();
    }
}
