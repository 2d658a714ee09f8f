package io.aqueduct.rest.internal.security;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.config.Settings;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.http.ApiTokenStore;
import io.aqueduct.api.json.JsonWriter;
import io.aqueduct.api.log.LogSafe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.Preprocessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP security, in front of every servlet context (the Web Console's included) as a whiteboard
 * {@link Preprocessor}: {@code X-Content-Type-Options: nosniff} on every answer, TRACE refused (405), and failed
 * logins throttled per client address ({@link LoginThrottle}) and logged once each, with the address and the path,
 * never the credentials. A failed login is an answer of 401 to a request that carried an {@code Authorization}
 * header, whoever checked it: the operator context or the console.
 *
 * <p>It also decides who may use the operator surface ({@link OperatorAccess}, asked by {@link OperatorContext} and
 * by {@code /health} for its full report). Settings: PID {@value #PID}; a value that does not parse is rejected
 * (logged, the {@code http-security} check DEGRADED) and the previous settings, at first the defaults, stay.
 */
@Component(configurationPid = HttpSecurity.PID, service = {Preprocessor.class, HealthIndicator.class,
        HttpSecurity.class}, immediate = true)
@Designate(ocd = HttpSecurity.Config.class)
public final class HttpSecurity implements Preprocessor, HealthIndicator {
    static final String PID = "io.aqueduct.security";
    static final String BEARER_REALM = "aqueduct";
    private static final Logger LOG = LoggerFactory.getLogger(HttpSecurity.class);

    @ObjectClassDefinition(name = "Aqueduct HTTP security",
            description = "Who may use the operator surface (/rest/, /cluster.html) and how failed logins are slowed "
                    + "down. See docs/security.md.")
    public @interface Config {
        @AttributeDefinition(description = "true lets anyone read /cluster.html and GET /rest/v2/cluster/* (node "
                + "ids, addresses, stream keys) without a login; writes still need one. The operator's explicit "
                + "choice (default false)")
        boolean cluster_page_public() default false;

        @AttributeDefinition(description = "Failed logins in a row from one address that cost nothing (default 3)")
        int login_free_failures() default 3;

        @AttributeDefinition(description = "The wait before the next attempt after the first failure over the free "
                + "ones, doubled after each further failure, in ms (default 250)")
        long login_first_delay_ms() default 250;

        @AttributeDefinition(description = "The longest wait between attempts, in ms (default 10000)")
        long login_max_delay_ms() default 10_000;
    }

    private record Current(OperatorAccess access, LoginThrottle throttle, boolean clusterPagePublic) {
    }

    @Reference
    ConfigurationAdmin configurationAdmin;

    private BundleContext context;
    private ApiTokenStore tokens;
    private volatile Current current;
    private volatile String rejection;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        String home = context.getProperty("aqueduct.home");
        this.tokens = home == null ? null : ApiTokenStore.of(Path.of(home));
        configure(properties);
    }

    @Modified
    void configure(Map<String, Object> properties) {
        try {
            current = parse(Settings.of(PID, properties), current);
            if (rejection != null) {
                LOG.info("{} accepted; the earlier rejection is cleared", PID);
            }
            rejection = null;
            if (current.clusterPagePublic()) {
                LOG.warn("{}: cluster.page.public = true: anyone who reaches this node reads the cluster page and "
                        + "GET /rest/v2/cluster/* without a login", PID);
            }
        } catch (InvalidSettingException e) {
            rejection = e.getMessage();
            LOG.error("Rejected configuration {}; keeping the previous settings", rejection);
            if (current == null) {
                current = parse(Settings.of(PID, Map.of()), null);
            }
        }
    }

    private Current parse(Settings s, Current before) {
        boolean clusterPagePublic = s.bool("cluster.page.public", false);
        LoginThrottle.Settings d = LoginThrottle.Settings.DEFAULTS;
        int free = s.integer("login.free.failures", d.freeFailures(), 0, 100);
        long first = s.duration("login.first.delay.ms", d.firstDelayMs(), 1, 60_000);
        long max = s.duration("login.max.delay.ms", d.maxDelayMs(), first, 600_000);
        LoginThrottle.Settings wanted = new LoginThrottle.Settings(free, first, max, d.maxAddresses(),
                d.forgetAfterMs(), d.maxWaiting());
        // the table of failures survives an edit that leaves the throttle's settings as they were
        LoginThrottle throttle = before != null && before.throttle().settings().equals(wanted)
                ? before.throttle() : new LoginThrottle(wanted, System::nanoTime);
        return new Current(new OperatorAccess(this::consoleLogin, tokens, clusterPagePublic), throttle,
                clusterPagePublic);
    }

    @Override
    public String name() {
        return "http-security";
    }

    @Override
    public HealthCheck check() {
        String r = rejection;
        if (r != null) {
            return HealthCheck.degraded("rejected configuration " + r + "; the previous settings stay");
        }
        return current.clusterPagePublic()
                ? new HealthCheck(HealthCheck.Status.UP,
                        "cluster.page.public = true: the cluster page is readable without a login")
                : HealthCheck.up();
    }

    /** For the operator context and /health: who sent the request, or why it may not go on. */
    public OperatorAccess.Decision decide(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return current.access().decide(request.getMethod(), path, request.getHeader("Authorization"));
    }

    /** Marks an allowed request the way the whiteboard expects (remote user and authentication type). */
    static void markAuthenticated(HttpServletRequest request, OperatorAccess.Decision decision) {
        if (decision.principal() != null) {
            request.setAttribute(ServletContextHelper.REMOTE_USER, decision.principal());
            request.setAttribute(ServletContextHelper.AUTHENTICATION_TYPE,
                    decision.principal().startsWith("token:") ? "Bearer" : HttpServletRequest.BASIC_AUTH);
        }
    }

    /** 401 with both challenges (the console's realm, so a browser logged in there resends its login) and a reason. */
    public void refuse(HttpServletResponse response, OperatorAccess.Decision decision) throws IOException {
        String realm = quoted(current.access().realm());
        response.addHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        response.addHeader("WWW-Authenticate", "Bearer realm=\"" + BEARER_REALM + "\"");
        sendJson(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", decision.reason());
    }

    @Override
    public void init(FilterConfig config) {
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        response.setHeader("X-Content-Type-Options", "nosniff");
        String method = request.getMethod();
        if ("TRACE".equals(method) || "TRACK".equals(method)) {
            response.setHeader("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
            sendJson(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method_not_allowed",
                    method + " is not served");
            return;
        }
        if (request.getHeader("Authorization") == null) {
            chain.doFilter(req, res);
            return;
        }
        LoginThrottle throttle = current.throttle();
        String address = request.getRemoteAddr();
        LoginThrottle.Admission admission = throttle.admit(address);
        if (admission.refused()) {
            long seconds = Math.max(1, (admission.waitMs() + 999) / 1000);
            response.setHeader("Retry-After", Long.toString(seconds));
            sendJson(response, 429, "too_many_requests",
                    "too many failed logins from this address; retry in " + seconds + " s");
            return;
        }
        if (admission.waitMs() > 0) {
            try {
                Thread.sleep(admission.waitMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                throttle.waited(address);
            }
        }
        chain.doFilter(req, res);
        if (request.isAsyncStarted()) {
            return;
        }
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            int failures = throttle.failed(address);
            long next = throttle.delayAfterMs(failures);
            LOG.warn("Login failed from {} on {} ({} in a row{})", address, LogSafe.value(request.getRequestURI()),
                    failures, next == 0 ? "" : "; the next attempt from this address waits " + next + " ms");
        } else if (request.getAttribute(ServletContextHelper.REMOTE_USER) != null
                || request.getAttribute("org.osgi.service.http.authentication.remote.user") != null) {
            throttle.succeeded(address);
        }
    }

    @Override
    public void destroy() {
    }

    private ConsoleLogin consoleLogin() {
        Dictionary<String, Object> config = null;
        try {
            Configuration[] found = configurationAdmin.listConfigurations(
                    "(" + org.osgi.framework.Constants.SERVICE_PID + "=" + ConsoleLogin.PID + ")");
            if (found != null && found.length > 0) {
                config = found[0].getProperties();
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Cannot read the Web Console's configuration: {}", e.toString());
        }
        return ConsoleLogin.from(config, context::getProperty);
    }

    static void sendJson(HttpServletResponse response, int status, String error, String reason) throws IOException {
        byte[] body = (new JsonWriter().beginObject().name("error").value(error).name("reason").value(reason)
                .endObject() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
