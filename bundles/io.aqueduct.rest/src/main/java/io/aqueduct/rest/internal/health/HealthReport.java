package io.aqueduct.rest.internal.health;

import io.aqueduct.api.health.HealthCheck.Status;
import io.aqueduct.api.json.JsonWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What {@code /health} answers, computed from plain values so it is tested without a framework.
 *
 * <p>The overall status is the worst of the checks: the {@code HealthIndicator} services, plus two of this
 * report's own: {@code bundles} (an {@code io.aqueduct.*} bundle that should run is not ACTIVE: DOWN) and
 * {@code node} (no node identity yet: DOWN). A capability bundle whose {@code Aqueduct-Roles} header does not
 * list the node's role is stopped on purpose by the role manager and is expected RESOLVED.
 */
public final class HealthReport {

    /** The node as NodeIdentity describes it. */
    public record Node(String id, String mode, String role, String address, String group, long uptimeSeconds) {
    }

    /**
     * One {@code io.aqueduct.*} bundle.
     *
     * @param roles the roles of its {@code Aqueduct-Roles} header, lower case; null without the header
     */
    public record BundleInfo(String name, String version, String state, boolean fragment, Set<String> roles) {
    }

    public record Check(String name, Status status, String message) {
    }

    private final Node node;
    private final long uptimeSeconds;
    private final List<BundleInfo> bundles;
    private final List<Check> checks;
    private final Status status;

    private HealthReport(Node node, long uptimeSeconds, List<BundleInfo> bundles, List<Check> checks) {
        this.node = node;
        this.uptimeSeconds = uptimeSeconds;
        this.bundles = bundles;
        this.checks = checks;
        this.status = checks.stream().map(Check::status).max(Comparator.naturalOrder()).orElse(Status.UP);
    }

    /**
     * @param node          null while no NodeIdentity service exists
     * @param uptimeSeconds used when {@code node} is null
     * @param indicators    results of the HealthIndicator services
     */
    public static HealthReport of(Node node, long uptimeSeconds, List<BundleInfo> bundles, List<Check> indicators) {
        List<Check> checks = new ArrayList<>(indicators);
        if (node == null) {
            checks.add(new Check("node", Status.DOWN,
                    "no node identity: the role manager (io.aqueduct.core) has not started or has failed"));
        }
        checks.add(bundleCheck(node, bundles));
        checks.sort(Comparator.comparing(Check::name));
        List<BundleInfo> sorted = new ArrayList<>(bundles);
        sorted.sort(Comparator.comparing(BundleInfo::name));
        return new HealthReport(node, node != null ? node.uptimeSeconds() : uptimeSeconds, List.copyOf(sorted),
                List.copyOf(checks));
    }

    private static Check bundleCheck(Node node, List<BundleInfo> bundles) {
        List<String> down = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        for (BundleInfo b : bundles) {
            if (b.fragment()) {
                continue; // fragments are resolved, never started
            }
            boolean stoppedByRole = b.roles() != null && node != null && !b.roles().contains(node.role());
            if (stoppedByRole) {
                if ("INSTALLED".equals(b.state())) {
                    // not needed in this role, but a switch to a role that needs it would fail
                    degraded.add(b.name() + " is INSTALLED (cannot resolve)");
                }
            } else if (!"ACTIVE".equals(b.state())) {
                down.add(b.name() + " is " + b.state() + ", expected ACTIVE");
            }
        }
        if (!down.isEmpty()) {
            down.addAll(degraded);
            return new Check("bundles", Status.DOWN, String.join("; ", down));
        }
        if (!degraded.isEmpty()) {
            return new Check("bundles", Status.DEGRADED, String.join("; ", degraded));
        }
        return new Check("bundles", Status.UP, "");
    }

    public Status status() {
        return status;
    }

    /** 200 while the node serves (UP, DEGRADED), 503 when it does not (DOWN): what load balancers check. */
    public int httpStatus() {
        return status == Status.DOWN ? 503 : 200;
    }

    public List<Check> checks() {
        return checks;
    }

    public String toJson() {
        JsonWriter w = new JsonWriter().beginObject();
        w.name("status").value(status.name());
        w.name("nodeId").value(node == null ? null : node.id());
        w.name("mode").value(node == null ? null : node.mode());
        w.name("role").value(node == null ? null : node.role());
        w.name("address").value(node == null ? null : node.address());
        w.name("group").value(node == null ? null : node.group());
        w.name("uptimeSeconds").value(uptimeSeconds);
        w.name("bundles").beginArray();
        for (BundleInfo b : bundles) {
            w.beginObject().name("name").value(b.name()).name("version").value(b.version())
                    .name("state").value(b.state()).endObject();
        }
        w.endArray();
        w.name("checks").beginArray();
        for (Check c : checks) {
            w.beginObject().name("name").value(c.name()).name("status").value(c.status().name())
                    .name("message").value(c.message()).endObject();
        }
        w.endArray();
        return w.endObject().toString();
    }

    /**
     * What anyone may read: the overall status and each check's name and status; no node id, address, bundle or
     * message (a message may name addresses or paths). The full report needs the operator's login.
     */
    public String toPublicJson() {
        JsonWriter w = new JsonWriter().beginObject();
        w.name("status").value(status.name());
        w.name("checks").beginArray();
        for (Check c : checks) {
            w.beginObject().name("name").value(c.name()).name("status").value(c.status().name()).endObject();
        }
        w.endArray();
        w.name("detail").value("the node, its bundles and the checks' messages: send the Web Console's admin "
                + "login or an API token");
        return w.endObject().toString();
    }
}
