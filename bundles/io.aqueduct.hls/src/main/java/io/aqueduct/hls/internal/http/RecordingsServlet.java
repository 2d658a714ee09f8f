package io.aqueduct.hls.internal.http;

import io.aqueduct.api.http.HttpContexts;
import io.aqueduct.hls.internal.record.RecordingService;
import io.aqueduct.hls.internal.record.StreamRecording;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /rest/v2/recordings}: the recordings in progress (stream, file, where in the stream it starts, seconds
 * so far, failure). Recording is
 * switched on and off in configuration ({@code io.aqueduct.recording}), not over HTTP, so nobody without the
 * console password can fill the disk.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(HttpContexts.SELECT_OPERATOR)
@HttpWhiteboardServletPattern("/rest/v2/recordings")
@HttpWhiteboardServletName("aqueduct-recordings")
public final class RecordingsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient RecordingService service;

    @Activate
    public RecordingsServlet(@Reference RecordingService service) {
        this.service = service;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StringBuilder json = new StringBuilder("{\"directory\":")
                .append(JsonResponse.quote(service.directory().toString()))
                .append(",\"recordings\":[");
        List<StreamRecording> active = service.active();
        for (int i = 0; i < active.size(); i++) {
            StreamRecording r = active.get(i);
            List<Path> files = r.files();
            json.append(i == 0 ? "" : ",").append("{\"stream\":").append(JsonResponse.quote(r.key().toString()))
                    .append(",\"file\":")
                    .append(files.isEmpty() ? "null" : JsonResponse.quote(files.get(files.size() - 1)
                            .toString()))
                    .append(",\"startSeconds\":").append(String.format(Locale.ROOT, "%.3f", r.startSeconds()))
                    .append(",\"seconds\":").append(String.format(Locale.ROOT, "%.3f", r.seconds()))
                    .append(",\"failure\":").append(r.failure() == null ? "null" : JsonResponse.quote(r.failure()))
                    .append('}');
        }
        json.append("]}\n");
        JsonResponse.write(response, json);
    }
}
