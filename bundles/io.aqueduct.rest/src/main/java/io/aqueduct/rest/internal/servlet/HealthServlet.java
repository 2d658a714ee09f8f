package io.aqueduct.rest.internal.servlet;

import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.http.HttpContexts;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.rest.internal.health.HealthReport;
import io.aqueduct.rest.internal.security.HttpSecurity;
import io.aqueduct.rest.internal.security.OperatorAccess;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /health}: the overall status and every {@link HealthIndicator}'s status, as JSON, for anyone (public
 * context); with the operator's login (the console's admin user or an API token) also the node's identity and
 * address, its {@code io.aqueduct.*} bundles and each check's message, which may name addresses or paths. 200 while the node serves (UP or DEGRADED), 503 when it is DOWN, so load
 * balancers can use the status code alone. It answers before the node identity exists (DOWN).
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(HttpContexts.SELECT_PUBLIC)
@HttpWhiteboardServletPattern("/health")
@HttpWhiteboardServletName("aqueduct-health")
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String BUNDLE_PREFIX = "io.aqueduct.";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeIdentity node;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<HealthIndicator> indicators;

    private transient BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    @Reference
    private HttpSecurity security;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean full = false;
        if (request.getHeader("Authorization") != null) {
            // public for the balancers' checks; the operator's login adds what only an operator may see
            OperatorAccess.Decision decision = security.decide(request);
            if (!decision.allowed()) {
                security.refuse(response, decision);
                return;
            }
            full = true;
        }
        HealthReport report = report();
        byte[] body = ((full ? report.toJson() : report.toPublicJson()) + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(report.httpStatus());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    HealthReport report() {
        NodeIdentity identity = node;
        HealthReport.Node nodeInfo = null;
        if (identity != null) {
            nodeInfo = new HealthReport.Node(identity.nodeId(), identity.mode().configName(),
                    identity.role().configName(), identity.address(), identity.group(),
                    Duration.between(identity.started(), Instant.now()).toSeconds());
        }
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        return HealthReport.of(nodeInfo, jvmUptime, bundles(), checks());
    }

    private List<HealthReport.BundleInfo> bundles() {
        List<HealthReport.BundleInfo> result = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String name = b.getSymbolicName();
            if (name == null || !name.startsWith(BUNDLE_PREFIX)) {
                continue;
            }
            // "" gives the raw, unlocalized headers without opening localization files
            var headers = b.getHeaders("");
            boolean fragment = headers.get(Constants.FRAGMENT_HOST) != null;
            Set<String> roles = NodeRole.parseRolesHeader(headers.get(NodeRole.MANIFEST_HEADER));
            result.add(new HealthReport.BundleInfo(name, b.getVersion().toString(), stateName(b.getState()),
                    fragment, roles));
        }
        return result;
    }

    private List<HealthReport.Check> checks() {
        List<HealthIndicator> current = indicators;
        List<HealthReport.Check> result = new ArrayList<>();
        if (current == null) {
            return result;
        }
        for (HealthIndicator indicator : current) {
            String name;
            try {
                name = indicator.name();
            } catch (RuntimeException e) {
                name = indicator.getClass().getName();
            }
            try {
                HealthCheck c = indicator.check();
                result.add(new HealthReport.Check(name, c.status(), c.message()));
            } catch (RuntimeException e) {
                // the contract says report, never throw; a check that throws is itself a finding
                result.add(new HealthReport.Check(name, HealthCheck.Status.DOWN, "the check failed: " + e));
            }
        }
        return result;
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
