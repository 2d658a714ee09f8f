package io.aqueduct.launcher;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.RegistryUnavailableException;
import io.aqueduct.cluster.mongo.MongoTarget;
import io.aqueduct.cluster.mongo.RegistryReader;
import io.aqueduct.lb.BalancerConfig;
import io.aqueduct.lb.Rendered;
import io.aqueduct.lb.TemplateException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/aqueduct lb render [--format nginx|haproxy]}: prints the balancer configuration for the registry this
 * installation's node is configured for, rendered from its template and {@code config/io.aqueduct.lb.cfg} exactly as
 * an lb node would, for operators who manage the balancer themselves. It reads the registry with the MongoDB driver
 * (the node need not run); nodes left out are listed on standard error. The one thing it writes is the runtime
 * directory the configuration names ({@code data/lb/run} by default): without it {@code nginx -t} fails on any node
 * but an lb node, which creates it.
 */
final class LbRender {
    static final String LB_FILE = "io.aqueduct.lb.cfg";
    private static final String CLUSTER_FILE = "io.aqueduct.cluster.cfg";
    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(5);

    private LbRender() {
    }

    static int run(Path home, List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.isEmpty() || !args.get(0).equals("render")) {
            err.println("usage: bin/aqueduct lb render [--format nginx|haproxy]");
            return AdminCommand.REJECTED;
        }
        Path config = home.resolve("config");
        Map<String, Object> lb = values(ConfigFile.read(config.resolve(LB_FILE)));
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--format") && i + 1 < args.size()) {
                lb.put("format", args.get(++i));
            } else if (a.startsWith("--format=")) {
                lb.put("format", a.substring("--format=".length()));
            } else {
                err.println("error: unknown argument '" + AdminCommand.printable(a)
                        + "' (expected --format nginx|haproxy)");
                return AdminCommand.REJECTED;
            }
        }
        BalancerConfig balancer;
        try {
            balancer = BalancerConfig.of(lb, home);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return AdminCommand.REJECTED;
        }
        ConfigFile node = ConfigFile.read(config.resolve(AdminCommand.NODE_FILE));
        String uri = node.get("mongo.uri");
        if (!"cluster".equalsIgnoreCase(node.get("mode")) || uri == null) {
            err.println("error: this node is not in a cluster (config/" + AdminCommand.NODE_FILE + "): there is no "
                    + "registry to render from; bin/aqueduct mode cluster <mongo> --role lb first");
            return AdminCommand.REJECTED;
        }
        ConfigFile embedded = ConfigFile.read(config.resolve(AdminCommand.EMBEDDED_FILE));
        ConfigFile cluster = ConfigFile.read(config.resolve(CLUSTER_FILE));
        MongoTarget target;
        Duration deadAfter;
        try {
            target = MongoTarget.parse(uri, orElse(embedded.get("host"), "127.0.0.1"),
                    Integer.parseInt(orElse(embedded.get("port"), Integer.toString(MongoTarget.DEFAULT_EMBEDDED_PORT))));
            deadAfter = Duration.ofMillis(Long.parseLong(orElse(cluster.get("dead.after.ms"), "5000")));
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return AdminCommand.REJECTED;
        }
        String database = orElse(cluster.get("database"), target.database());
        List<ClusterNode> nodes;
        try {
            nodes = RegistryReader.nodes(target, database, deadAfter, REGISTRY_TIMEOUT);
        } catch (RegistryUnavailableException e) {
            err.println("error: " + e.getMessage());
            return AdminCommand.FAILED;
        }
        Rendered rendered;
        try {
            rendered = balancer.render(nodes, target.redacted());
        } catch (IOException e) {
            err.println("error: cannot read the template " + balancer.template() + ": " + e);
            return AdminCommand.FAILED;
        } catch (TemplateException e) {
            err.println("error: template " + balancer.template() + ": " + e.getMessage());
            return AdminCommand.FAILED;
        }
        out.print(rendered.text());
        for (String skipped : rendered.skipped()) {
            err.println("left out: " + skipped);
        }
        createRuntimeDirectory(balancer.runtimeDirectory(), err);
        return AdminCommand.OK;
    }

    /** The balancer refuses to start, and {@code nginx -t} to validate, while the directory it names is missing. */
    private static void createRuntimeDirectory(Path dir, PrintStream err) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            err.println("created " + dir + " (the balancer's pid file, error log and temporary files)");
        } catch (IOException e) {
            err.println("warning: cannot create " + dir + ", which the configuration names for the balancer's pid "
                    + "file, error log and temporary files; create it before nginx -t or haproxy -c: " + e);
        }
    }

    private static Map<String, Object> values(ConfigFile file) {
        Map<String, Object> values = new HashMap<>();
        for (String key : file.properties().stringPropertyNames()) {
            String v = file.get(key);
            if (v != null) {
                values.put(key, v);
            }
        }
        return values;
    }

    private static String orElse(String value, String fallback) {
        return value != null ? value : fallback;
    }
}
