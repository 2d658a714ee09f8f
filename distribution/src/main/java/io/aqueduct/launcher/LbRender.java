package io.aqueduct.launcher;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.cluster.mongo.internal.ClusterRegistry;
import io.aqueduct.cluster.mongo.internal.MongoTarget;
import io.aqueduct.cluster.mongo.internal.NodeStatus;
import io.aqueduct.lb.internal.agent.LbSettings;
import io.aqueduct.lb.internal.render.LbRenderer;
import io.aqueduct.lb.internal.render.Rendered;
import io.aqueduct.lb.internal.render.TemplateException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/aqueduct lb render [--format nginx|haproxy]}: prints the balancer configuration for the registry this
 * installation's node is configured for, rendered from its template and {@code config/io.aqueduct.lb.cfg} exactly as
 * an lb node would, for operators who manage the balancer themselves. It reads the registry with the MongoDB driver
 * (the node need not run) and writes nothing; nodes left out are listed on standard error.
 */
final class LbRender {
    static final String LB_FILE = "io.aqueduct.lb.cfg";
    private static final String CLUSTER_FILE = "io.aqueduct.cluster.cfg";

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
                err.println("error: unknown argument '" + a + "' (expected --format nginx|haproxy)");
                return AdminCommand.REJECTED;
            }
        }
        LbSettings settings;
        try {
            settings = LbSettings.parse(lb, home);
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
        MongoClientSettings client = MongoClientSettings.builder().applyConnectionString(target.connectionString())
                .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(3, TimeUnit.SECONDS)).build();
        try (MongoClient mongo = MongoClients.create(client)) {
            nodes = ClusterRegistry.readNodes(mongo.getDatabase(database), deadAfter).stream()
                    .map(NodeStatus::toClusterNode).toList();
        } catch (MongoException e) {
            err.println("error: cannot read the registry at " + target.redacted() + ": " + e.getMessage());
            return AdminCommand.FAILED;
        }
        String template;
        try {
            template = Files.readString(settings.template(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("error: cannot read the template " + settings.template() + ": " + e);
            return AdminCommand.FAILED;
        }
        Rendered rendered;
        try {
            rendered = LbRenderer.render(settings.format(), template, nodes, settings.listeners(), target.redacted());
        } catch (TemplateException e) {
            err.println("error: template " + settings.template() + ": " + e.getMessage());
            return AdminCommand.FAILED;
        }
        out.print(rendered.text());
        for (String skipped : rendered.skipped()) {
            err.println("left out: " + skipped);
        }
        return AdminCommand.OK;
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
