package io.aqueduct.rest.internal.servlet;

import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.http.HttpContexts;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.rest.internal.cluster.ClusterApi;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /rest/v2/cluster/}: the cluster as the registry sees it ({@link ClusterApi} says what each path answers).
 * The {@link ClusterView} exists only while the node is in a cluster, so the reference is optional and follows the
 * service as the role manager starts and stops the registry bundle, without restarting this servlet.
 *
 * <p>It answers every method itself (405 with {@code Allow} for the wrong one) so that every answer, errors
 * included, is JSON. There is no CORS: a cross-site page cannot send the DELETE (its preflight gets a 405).
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(HttpContexts.SELECT_OPERATOR)
@HttpWhiteboardServletPattern(ClusterApi.ROOT + "/*")
@HttpWhiteboardServletName("aqueduct-cluster")
public final class ClusterServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterView cluster;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeIdentity node;

    public ClusterServlet() {
    }

    /** For tests: fixed services. */
    ClusterServlet(ClusterView cluster, NodeIdentity node) {
        this.cluster = cluster;
        this.node = node;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        NodeIdentity identity = node;
        ClusterApi.Answer answer = ClusterApi.answer(method, request.getPathInfo(), cluster,
                identity == null ? null : identity.nodeId(), identity == null ? null : identity.mode());
        byte[] body = (answer.json() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (answer.allow() != null) {
            response.setHeader("Allow", answer.allow());
        }
        response.setContentLength(body.length);
        if (!"HEAD".equals(method)) {
            response.getOutputStream().write(body);
        }
    }
}
