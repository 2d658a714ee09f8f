package io.aqueduct.lb.internal.agent;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterView;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.lb.Rendered;
import io.aqueduct.lb.TemplateException;
import io.aqueduct.lb.internal.render.LbRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer agent (nodes with the {@code lb} role): every heartbeat period it reads the registry's nodes,
 * renders the template, and when the result differs from what is in place, validates it with the balancer, swaps it
 * in and reloads the balancer ({@link ConfigSwap}). Anything that goes wrong (registry away, a broken template, a
 * refused or unwritable configuration, a failed reload) leaves the balancer's current configuration alone and is
 * reported by the {@code load-balancer} health check until it is fixed.
 */
@Component(configurationPid = LbSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = HealthIndicator.class)
@Designate(ocd = LbAgent.Config.class)
public final class LbAgent implements HealthIndicator {
    private static final Logger LOG = LoggerFactory.getLogger(LbAgent.class);
    private static final long MIN_PERIOD_MS = 200;

    @ObjectClassDefinition(name = "Aqueduct load balancer", description = "The nginx or HAProxy configuration an "
            + "lb node renders from the registry; relative paths are relative to the appliance's directory")
    public @interface Config {
        @AttributeDefinition(description = "nginx or haproxy")
        String format() default "nginx";

        @AttributeDefinition(description = "The template; default lb-templates/nginx.conf or lb-templates/haproxy.cfg")
        String template();

        @AttributeDefinition(description = "Where the rendered configuration goes (swapped in atomically); default "
                + "data/lb/nginx.conf or data/lb/haproxy.cfg")
        String target();

        @AttributeDefinition(description = "Directory for the balancer's pid file and logs")
        String runtime_dir() default "data/lb/run";

        @AttributeDefinition(description = "Checks a candidate ({file}); default nginx -t -q -c {file} or haproxy -c "
                + "-q -f {file}")
        String validate_command();

        @AttributeDefinition(description = "Reloads the balancer after a swap ({target}, {runtime}); default nginx -s "
                + "reload -c {target} or kill -USR2 $(cat {runtime}/haproxy.pid)")
        String reload_command();

        @AttributeDefinition(description = "Address the balancer's listeners bind (0.0.0.0: every interface)")
        String listen_address() default "0.0.0.0";

        @AttributeDefinition(description = "RTMP publish port (to origins)")
        int listen_rtmp() default 1935;

        @AttributeDefinition(description = "RTMP play port (to edges)")
        int listen_rtmp_play() default 1936;

        @AttributeDefinition(description = "HTTP port")
        int listen_http() default 80;

        @AttributeDefinition(description = "HTTPS port (with TLS)")
        int listen_https() default 443;

        @AttributeDefinition(description = "RTMPS publish port (with TLS)")
        int listen_rtmps() default 1937;

        @AttributeDefinition(description = "TLS certificate (PEM); TLS is on when it and tls.key are set")
        String tls_certificate();

        @AttributeDefinition(description = "TLS private key (PEM)")
        String tls_key();
    }

    private final ClusterView cluster;
    private final Path home;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "aqueduct-lb"));

    // worker thread only
    private LbSettings settings;
    /** The text in place (and where), or null before the first swap. */
    private String appliedText;
    private Path appliedTarget;
    /** A text that failed validation or writing: not tried again until the render or the settings change. */
    private String refusedText;
    private LbSettings refusedSettings;
    private boolean reloadPending;
    private Set<String> members = Set.of();
    private long swaps;

    private volatile String summary = "no configuration rendered yet";
    private volatile String problem;
    private volatile String rejectedSettings;

    /** {@code node} is not used: its target makes the agent run on lb nodes only. */
    @Activate
    public LbAgent(@Reference ClusterView cluster, @Reference(target = "(" + NodeIdentity.ROLE_PROPERTY + "=lb)")
            NodeIdentity node, BundleContext context) {
        this.cluster = cluster;
        String h = context.getProperty("aqueduct.home");
        this.home = Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }

    @Activate
    void activate(Map<String, Object> properties) {
        modified(properties);
        long period = Math.max(MIN_PERIOD_MS, cluster.heartbeatPeriod().toMillis());
        worker.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.MILLISECONDS);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        worker.execute(() -> {
            try {
                settings = LbSettings.parse(properties, home);
                rejectedSettings = null;
                LOG.info("Load balancer: {} from {} to {}", settings.format().configName(), settings.template(),
                        settings.target());
            } catch (InvalidSettingException e) {
                rejectedSettings = "configuration rejected: " + e.getMessage() + (settings == null ? ""
                        : "; keeping the previous settings");
                LOG.error("Load balancer {}", rejectedSettings);
            }
            tick();
        });
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
    }

    /** On the worker: render, and apply what changed. */
    private void tick() {
        LbSettings s = settings;
        if (s == null) {
            return;
        }
        try {
            List<ClusterNode> nodes;
            try {
                nodes = cluster.nodes();
            } catch (RegistryUnavailableException e) {
                fail("the registry cannot be read (" + e.getMessage() + "); the balancer keeps its configuration");
                return;
            }
            String template;
            try {
                template = Files.readString(s.template(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                fail("cannot read the template " + s.template() + ": " + e + "; the balancer keeps its configuration");
                return;
            }
            Rendered rendered;
            try {
                rendered = LbRenderer.render(s.format(), template, nodes, s.listeners(), cluster.registry());
            } catch (TemplateException e) {
                fail("template " + s.template() + ": " + e.getMessage() + "; the balancer keeps its configuration");
                return;
            }
            apply(s, rendered, nodes);
        } catch (RuntimeException e) {
            LOG.error("Load balancer agent failed", e);
            fail("failed: " + e + "; the balancer keeps its configuration");
        }
    }

    private void apply(LbSettings s, Rendered rendered, List<ClusterNode> nodes) {
        String text = rendered.text();
        boolean same = text.equals(appliedText) && s.target().equals(appliedTarget);
        if (same) {
            if (reloadPending) {
                String reload = ConfigSwap.reload(s);
                reloadPending = reload != null;
                setProblem(reload);
            } else if (!rendered.skipped().isEmpty()) {
                setProblem("left out: " + String.join("; ", rendered.skipped()));
            } else {
                setProblem(null);
            }
            return;
        }
        if (text.equals(refusedText) && s.equals(refusedSettings)) {
            return; // refused before; the problem stays reported until the render or the settings change
        }
        ConfigSwap.Outcome outcome = ConfigSwap.apply(text, s);
        if (!outcome.written()) {
            refusedText = text;
            refusedSettings = s;
            fail(outcome.problem());
            return;
        }
        refusedText = null;
        refusedSettings = null;
        appliedText = text;
        appliedTarget = s.target();
        swaps++;
        reloadPending = outcome.problem() != null;
        Set<String> now = nodes.stream().filter(n -> n.alive() && ("origin".equals(n.role())
                || "edge".equals(n.role()))).map(n -> n.role() + " " + n.id() + " (" + n.address() + ")")
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> joined = new TreeSet<>(now);
        joined.removeAll(members);
        Set<String> left = new TreeSet<>(members);
        left.removeAll(now);
        members = now;
        long origins = now.stream().filter(m -> m.startsWith("origin ")).count();
        summary = s.format().configName() + " configuration " + s.target() + ": " + origins + " origin(s), "
                + (now.size() - origins) + " edge(s); swapped in at " + LocalTime.now().truncatedTo(
                        ChronoUnit.SECONDS) + " (" + swaps + " swap(s))";
        LOG.info("Load balancer configuration {} swapped in ({} origin(s), {} edge(s){}{}){}", s.target(), origins,
                now.size() - origins, joined.isEmpty() ? "" : "; joined: " + String.join(", ", joined),
                left.isEmpty() ? "" : "; left: " + String.join(", ", left),
                outcome.problem() == null ? "" : ": " + outcome.problem());
        setProblem(outcome.problem() != null ? outcome.problem() : rendered.skipped().isEmpty() ? null
                : "left out: " + String.join("; ", rendered.skipped()));
    }

    private void fail(String why) {
        if (!Objects.equals(why, problem)) {
            LOG.warn("Load balancer: {}", why);
        }
        problem = why;
    }

    private void setProblem(String why) {
        if (why != null) {
            fail(why);
        } else if (problem != null) {
            LOG.info("Load balancer: fixed ({})", summary);
            problem = null;
        }
    }

    @Override
    public String name() {
        return "load-balancer";
    }

    @Override
    public HealthCheck check() {
        String p = problem;
        String r = rejectedSettings;
        if (p == null && r == null) {
            return new HealthCheck(HealthCheck.Status.UP, summary);
        }
        return HealthCheck.degraded((r != null ? r + "; " : "") + (p != null ? p + "; " : "") + summary);
    }
}
