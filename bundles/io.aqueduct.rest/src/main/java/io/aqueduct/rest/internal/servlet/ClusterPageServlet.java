package io.aqueduct.rest.internal.servlet;

import io.aqueduct.api.http.HttpContexts;
import io.aqueduct.rest.internal.cluster.ClusterPage;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The cluster monitor page, {@code /cluster.html}, and its script and style under {@code /cluster/}. Only the files
 * of {@link ClusterPage#FILES} are served, each from a fixed classpath name, so no part of the request path reaches
 * the class loader. They are revalidated on every load (a 304 by ETag), so a new bundle shows at once.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(HttpContexts.SELECT_OPERATOR)
@HttpWhiteboardServletPattern({"/cluster.html", "/cluster/*"})
@HttpWhiteboardServletName("aqueduct-cluster-page")
public final class ClusterPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient ClusterPage page;

    public ClusterPageServlet() {
        this(ClusterPage.load(ClusterPageServlet.class.getClassLoader()));
    }

    ClusterPageServlet(ClusterPage page) {
        this.page = page;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, true);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, false);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean body) throws IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        ClusterPage.Content content = page.get((servletPath == null ? "" : servletPath)
                + (pathInfo == null ? "" : pathInfo));
        if (content == null) {
            byte[] text = "Not found\n".getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            response.setContentType("text/plain; charset=utf-8");
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(text.length);
            if (body) {
                response.getOutputStream().write(text);
            }
            return;
        }
        response.setHeader("ETag", content.etag());
        response.setHeader("Cache-Control", "no-cache");
        if (matches(request.getHeader("If-None-Match"), content.etag())) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(content.asset().contentType());
        response.setContentLength(content.bytes().length);
        if (body) {
            response.getOutputStream().write(content.bytes());
        }
    }

    /** If-None-Match with the weak comparison of RFC 9110 13.1.2: a list of tags, or {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
