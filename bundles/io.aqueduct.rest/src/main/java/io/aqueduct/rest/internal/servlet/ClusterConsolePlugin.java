package io.aqueduct.rest.internal.servlet;

import io.aqueduct.rest.internal.cluster.ClusterPage;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;

/**
 * The Web Console's Cluster tab ({@code /system/console/cluster}, category Aqueduct): the monitor page of
 * {@code /cluster.html} inside the console's frame.
 *
 * <p>Web Console 5 takes any {@code jakarta.servlet.Servlet} service with a {@value #LABEL} property as a plugin: for
 * a GET it writes its header and navigation, calls the servlet, and closes the page, so the servlet writes only the
 * content, with the response's writer (the console already uses it). Other methods reach the servlet directly
 * (405 here). The console's own packages are not imported, so this bundle runs without the console. Without an
 * {@code osgi.http.whiteboard.servlet.pattern} the HTTP whiteboard leaves this servlet alone.
 */
@Component(service = Servlet.class, property = {
    ClusterConsolePlugin.LABEL + "=cluster",
    ClusterConsolePlugin.TITLE + "=Cluster",
    ClusterConsolePlugin.CATEGORY + "=Aqueduct"})
public final class ClusterConsolePlugin extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The Web Console's service properties (org.apache.felix.webconsole.servlet.ServletConstants). */
    static final String LABEL = "felix.webconsole.label";
    static final String TITLE = "felix.webconsole.title";
    static final String CATEGORY = "felix.webconsole.category";

    private final transient ClusterPage page;

    public ClusterConsolePlugin() {
        this(ClusterPage.load(ClusterConsolePlugin.class.getClassLoader()));
    }

    ClusterConsolePlugin(ClusterPage page) {
        this.page = page;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().write(page.body());
    }
}
