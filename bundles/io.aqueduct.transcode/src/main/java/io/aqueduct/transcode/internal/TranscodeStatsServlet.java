package io.aqueduct.transcode.internal;

import io.aqueduct.api.http.HttpContexts;
import io.aqueduct.api.json.JsonWriter;
import io.aqueduct.transcode.internal.stream.TranscodeStatus;
import io.aqueduct.transcode.internal.stream.TranscodeStatus.RenditionStatus;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /rest/v2/transcode/streams}: every stream being transcoded, with the path it takes (CPU or GPU, and
 * what decodes, scales and encodes), its renditions, frames decoded, dropped (behind) and damaged, the hub's skips
 * and the speed (media seconds per wall second since its first frame).
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(HttpContexts.SELECT_OPERATOR)
@HttpWhiteboardServletPattern("/rest/v2/transcode/streams")
@HttpWhiteboardServletName("aqueduct-transcode-stats")
public final class TranscodeStatsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient List<LadderTranscoder> ladders = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLadder(LadderTranscoder ladder) {
        ladders.add(ladder);
    }

    void removeLadder(LadderTranscoder ladder) {
        ladders.remove(ladder);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonWriter w = new JsonWriter().beginObject().name("streams").beginArray();
        for (LadderTranscoder ladder : ladders) {
            for (TranscodeStatus s : ladder.statuses()) {
                w.beginObject().name("stream").value(s.source().toString()).name("state").value(s.state())
                        .name("message").value(s.message()).name("path").value(s.path())
                        .name("width").value(s.sourceWidth()).name("height").value(s.sourceHeight())
                        .name("frameRate").value(s.frameRate()).name("framesDecoded").value(s.framesDecoded())
                        .name("framesDropped").value(s.framesDropped()).name("decodeErrors").value(s.decodeErrors())
                        .name("hubSkips").value(s.hubSkips()).name("speed").value(s.speed())
                        .name("positionMicros").value(s.position())
                        .name("renditions").beginArray();
                for (RenditionStatus r : s.renditions()) {
                    w.beginObject().name("stream").value(r.stream().toString()).name("width").value(r.width())
                            .name("height").value(r.height()).name("videoBitrate").value(r.videoBitrate())
                            .name("audio").value(r.audio()).name("framesEncoded").value(r.framesEncoded())
                            .endObject();
                }
                w.endArray().endObject();
            }
        }
        byte[] body = (w.endArray().endObject() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
