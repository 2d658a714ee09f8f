package io.aqueduct.lb.internal.render;

import static io.aqueduct.lb.internal.render.TestNodes.edge;
import static io.aqueduct.lb.internal.render.TestNodes.origin;
import static io.aqueduct.lb.internal.render.TestNodes.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.lb.Rendered;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped templates, rendered, are accepted by the balancers themselves ({@code nginx -t}, {@code haproxy -c}).
 * Neither check binds a port or connects to a server; the nodes are on the loopback address all the same.
 */
class BalancerValidationTest {
    private static final String INSTALL = " is not installed (looked in PATH, /usr/sbin and /usr/local/sbin): install "
            + "nginx, libnginx-mod-stream and haproxy (apt-get install nginx libnginx-mod-stream haproxy); CI has them";
    private static final String STREAM_MODULE = LbListeners.DEFAULTS.nginxStreamModule();

    @TempDir
    Path dir;

    /** Two origins and two edges, one of them on IPv6. */
    private static List<ClusterNode> cluster() {
        return List.of(origin("origin-1", "127.0.0.1"), origin("origin-2", "127.0.0.2"),
                edge("edge-1", "127.0.0.3"), edge("edge-2", "::1"));
    }

    @Test
    void nginxAcceptsTheRenderedTemplate() throws Exception {
        check(LbFormat.NGINX, cluster(), listeners(false));
    }

    @Test
    void nginxAcceptsTheRenderedTemplateWithTls() throws Exception {
        check(LbFormat.NGINX, cluster(), listeners(true));
    }

    @Test
    void nginxAcceptsTheRenderedTemplateWithoutNodes() throws Exception {
        // every upstream holds only the placeholder
        check(LbFormat.NGINX, List.of(), listeners(false));
    }

    @Test
    void haproxyAcceptsTheRenderedTemplate() throws Exception {
        check(LbFormat.HAPROXY, cluster(), listeners(false));
    }

    @Test
    void haproxyAcceptsTheRenderedTemplateWithTls() throws Exception {
        check(LbFormat.HAPROXY, cluster(), listeners(true));
    }

    @Test
    void haproxyAcceptsTheRenderedTemplateWithoutNodes() throws Exception {
        // every backend is empty
        check(LbFormat.HAPROXY, List.of(), listeners(false));
    }

    private void check(LbFormat format, List<ClusterNode> nodes, LbListeners listeners) throws Exception {
        Rendered rendered = LbRenderer.render(format, template(format), nodes, listeners, "mongodb://127.0.0.1/test");
        assertThat(rendered.skipped()).isEmpty();
        Path file = dir.resolve(format.templateFile());
        Files.writeString(file, rendered.text());
        List<String> command = format == LbFormat.NGINX
                ? List.of(tool("nginx"), "-t", "-c", file.toString())
                : List.of(tool("haproxy"), "-c", "-f", file.toString());
        Result result = run(command);
        if (result.exit() != 0) {
            fail(String.join(" ", command) + " refused the rendered " + format.templateFile() + " (exit "
                    + result.exit() + "):\n" + result.output() + "\n--- the configuration:\n" + numbered(rendered.text())
                    + (format == LbFormat.NGINX && result.output().contains("unknown directive \"stream\"")
                            ? "\nnginx has no stream module: install libnginx-mod-stream" : ""));
        }
    }

    /** Free ports above 1024 for every listener, the runtime directory and, for TLS, a fresh certificate. */
    private LbListeners listeners(boolean tls) throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("run"));
        int[] ports = freePorts(5);
        String certificate = "";
        String key = "";
        if (tls) {
            // HAProxy 2.6 cannot name a key file: it reads <certificate>.key; nginx is told both
            certificate = dir.resolve("cert.pem").toString();
            key = certificate + ".key";
            Result openssl = run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                    "/CN=localhost", "-days", "1", "-keyout", key, "-out", certificate));
            assertThat(openssl.exit()).as("openssl: " + openssl.output()).isZero();
        }
        // nginx with the stream module built in has no module file to load
        String module = Files.exists(Path.of(STREAM_MODULE)) ? STREAM_MODULE : "";
        return new LbListeners(ports[0], ports[1], ports[2], ports[3], ports[4], certificate, key, runtime.toString(),
                module);
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) { // held together, so the ports differ
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            List<Integer> ports = sockets.stream().map(ServerSocket::getLocalPort).toList();
            assertThat(ports).doesNotHaveDuplicates().as("unprivileged").allMatch(p -> p > 1024);
            return ports.stream().mapToInt(Integer::intValue).toArray();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /** The balancer's binary; fails the test (CI installs them) rather than skipping it. */
    private static String tool(String name) {
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator));
        return Stream.concat(path, Stream.of("/usr/sbin", "/usr/local/sbin")).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseGet(() -> fail(name + INSTALL));
    }

    private record Result(int exit, String output) {
    }

    private Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes(); // ends when the process does
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static String numbered(String text) {
        List<String> lines = text.lines().toList();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append(String.format("%4d  %s%n", i + 1, lines.get(i)));
        }
        return out.toString();
    }
}
