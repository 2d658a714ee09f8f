package io.aqueduct.hls.internal.http;

import io.aqueduct.api.http.HttpContexts;
import io.aqueduct.hls.internal.HlsService;
import io.aqueduct.hls.internal.playlist.Segment;
import io.aqueduct.hls.internal.stream.HlsSnapshot;
import io.aqueduct.hls.internal.stream.HlsStream;
import io.aqueduct.hls.internal.stream.PartLatency;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /rest/v2/hls/streams}: every HLS stream on this node with its newest segment and part, memory held,
 * parked blocking requests and the part latency (time from a frame's arrival to the part that holds it being
 * downloadable), p50 and p99 in milliseconds.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(HttpContexts.SELECT_OPERATOR)
@HttpWhiteboardServletPattern("/rest/v2/hls/streams")
@HttpWhiteboardServletName("aqueduct-hls-stats")
public final class HlsStatsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HlsService service;

    @Activate
    public HlsStatsServlet(@Reference HlsService service) {
        this.service = service;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<HlsStream> streams = service.streams().stream()
                .sorted(Comparator.comparing(HlsStream::key)).toList();
        StringBuilder json = new StringBuilder("{\"blockedRequests\":").append(service.blockedRequests())
                .append(",\"streams\":[");
        for (int i = 0; i < streams.size(); i++) {
            HlsStream s = streams.get(i);
            HlsSnapshot snap = s.snapshot();
            long bytes = 0;
            for (Segment seg : snap.segments()) {
                bytes += seg.fmp4Length() + (seg.ts() == null ? 0 : seg.ts().size());
            }
            PartLatency latency = s.latency();
            json.append(i == 0 ? "" : ",").append("{\"stream\":").append(JsonResponse.quote(s.key().toString()))
                    .append(",\"ended\":").append(snap.ended())
                    .append(",\"lastSequenceNumber\":").append(snap.lastSequenceNumber())
                    .append(",\"lastPart\":").append(snap.lastPart())
                    .append(",\"segmentsInMemory\":").append(snap.segments().size())
                    .append(",\"bytesInMemory\":").append(bytes)
                    .append(",\"parkedRequests\":").append(s.parked())
                    .append(",\"muxErrors\":").append(s.muxErrors())
                    .append(",\"partLatencyMs\":{\"count\":").append(latency.count())
                    .append(",\"p50\":").append(latency.percentile(0.5))
                    .append(",\"p99\":").append(latency.percentile(0.99)).append("}}");
        }
        json.append("]}\n");
        JsonResponse.write(response, json);
    }
}
