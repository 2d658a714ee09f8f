package io.aqueduct.rest.internal.security;

import io.aqueduct.api.http.HttpContexts;
import io.aqueduct.api.log.LogSafe;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Everything under {@code /rest/} that no REST servlet serves: 404 in JSON, after the operator context's login, so
 * that no path under {@code /rest/} falls through to public playback and an anonymous client learns nothing, not even
 * which REST paths exist.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(HttpContexts.SELECT_OPERATOR)
@HttpWhiteboardServletPattern("/rest/*")
@HttpWhiteboardServletName("aqueduct-rest-not-found")
public final class OperatorNotFoundServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSecurity.sendJson(response, HttpServletResponse.SC_NOT_FOUND, "not_found",
                "no such REST resource: " + LogSafe.value(request.getRequestURI()));
    }
}
