package io.aqueduct.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP port and bind address from {@code config/io.aqueduct.http.cfg}, read before the framework starts
 * so that Jetty binds the configured port from its first moment. The same PID is watched at runtime by the
 * REST bundle, which validates it again, logs a rejection and moves Jetty when the file changes.
 *
 * @param host     bind address
 * @param port     TCP port
 * @param problems values that were rejected in favour of the default, one message each
 */
record HttpEndpoint(String host, int port, List<String> problems) {
    static final String PID = "io.aqueduct.http";
    static final String FILE_NAME = PID + ".cfg";
    static final int DEFAULT_PORT = 5080;
    static final String DEFAULT_HOST = "0.0.0.0";

    static HttpEndpoint read(Path home) throws IOException {
        ConfigFile cfg = ConfigFile.read(home.resolve("config").resolve(FILE_NAME));
        List<String> problems = new ArrayList<>();

        int port = DEFAULT_PORT;
        String rawPort = cfg.get("port");
        if (rawPort != null) {
            try {
                port = Integer.parseInt(rawPort);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                problems.add(PID + ": port = '" + rawPort + "' is not valid: expected a port number from 1 to 65535;"
                        + " starting on the default port " + DEFAULT_PORT);
                port = DEFAULT_PORT;
            }
        }

        String host = DEFAULT_HOST;
        String rawHost = cfg.get("host");
        if (rawHost != null) {
            if (isPlausibleHost(rawHost)) {
                host = rawHost;
            } else {
                problems.add(PID + ": host = '" + rawHost + "' is not valid: expected an IP address or host name;"
                        + " binding the default " + DEFAULT_HOST);
            }
        }
        return new HttpEndpoint(host, port, List.copyOf(problems));
    }

    /** Syntax only (letters, digits, '.', '-', ':', '%', '[', ']'); no name lookup before the network is needed. */
    static boolean isPlausibleHost(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (char c : host.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '%' || c == '[' || c == ']' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Base URL for messages: one an operator on this machine can open (127.0.0.1 when bound to every interface),
     * IPv6 literals in brackets.
     */
    String url(String path) {
        String h = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
        h = h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
        return "http://" + h + ":" + port + path;
    }

    /**
     * Why the node could not listen here, or null when it can. Jetty logs a failed bind and carries on with no
     * connector, so the launcher tries the bind first (with SO_REUSEADDR, as Jetty binds) and refuses to start
     * a node nobody could reach.
     */
    String bindProblem() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port));
            return null;
        } catch (IOException e) {
            return "cannot listen on " + host + " port " + port + ": " + e.getMessage() + ". Another program (or another Aqueduct node) may be using the port: stop it, "
                    + "or set another port in config/" + FILE_NAME;
        }
    }
}
