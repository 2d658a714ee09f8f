package io.aqueduct.lb.internal.render;

import io.aqueduct.api.cluster.ClusterNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Registry entries, the shipped templates, and small readers of the rendered configurations. */
final class TestNodes {
    /** The repository's templates, from the module directory (surefire's working directory). */
    static final Path TEMPLATES = Path.of("../../lb-templates");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private TestNodes() {
    }

    static ClusterNode node(String id, String role, String address, boolean alive, Map<String, Integer> ports) {
        return new ClusterNode(id, address, ports, role, "", "0.1.0", T0, 0.1, 1, 2, 0, 0, T0, Duration.ZERO, alive);
    }

    static ClusterNode origin(String id, String address) {
        return node(id, "origin", address, true, Map.of("rtmp", 1935, "http", 5080, "relay", 5000));
    }

    static ClusterNode edge(String id, String address) {
        return node(id, "edge", address, true, Map.of("rtmp", 2935, "http", 6080));
    }

    static String template(LbFormat format) throws IOException {
        return Files.readString(TEMPLATES.resolve(format.templateFile()));
    }

    /** The {@code server} addresses of nginx upstream {@code name}, in order, comments dropped. */
    static List<String> nginxServers(String conf, String name) {
        int start = conf.indexOf("upstream " + name + " {");
        if (start < 0) {
            throw new AssertionError("no upstream " + name + " in\n" + conf);
        }
        String block = conf.substring(start, conf.indexOf('}', start));
        return directives(block).stream().filter(d -> d.startsWith("server ")).map(d -> d.split("\\s+")[1]).toList();
    }

    /** HAProxy's sections ("frontend x", "backend y", ...) with their directives, comments dropped. */
    static Map<String, List<String>> haproxySections(String cfg) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : cfg.lines().toList()) {
            String d = uncommented(line).strip();
            if (d.isEmpty()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                current = new ArrayList<>();
                sections.put(d, current);
            } else if (current == null) {
                throw new AssertionError("a directive outside any section: " + line);
            } else {
                current.add(d);
            }
        }
        return sections;
    }

    /** The {@code server} lines of HAProxy backend {@code name} as "name address". */
    static List<String> haproxyServers(String cfg, String name) {
        List<String> backend = haproxySections(cfg).get("backend " + name);
        if (backend == null) {
            throw new AssertionError("no backend " + name + " in\n" + cfg);
        }
        return backend.stream().filter(d -> d.startsWith("server ")).map(d -> {
            String[] w = d.split("\\s+");
            return w[1] + " " + w[2];
        }).toList();
    }

    /** The lines of {@code text} without comments and blanks, stripped. */
    static List<String> directives(String text) {
        return text.lines().map(l -> uncommented(l).strip()).filter(l -> !l.isEmpty()).toList();
    }

    private static String uncommented(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }
}
