package io.aqueduct.rest.internal.http;

import io.aqueduct.api.config.Settings;
import java.util.Dictionary;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where Jetty listens: the node's own setting (PID {@value #PID}) and what Jetty uses now.
 *
 * @param host bind address
 * @param port TCP port
 */
public record HttpEndpoint(String host, int port) {
    /** The node's HTTP settings, edited by operators in {@code config/io.aqueduct.http.cfg}. */
    public static final String PID = "io.aqueduct.http";
    public static final int DEFAULT_PORT = 5080;
    public static final String DEFAULT_HOST = "0.0.0.0";

    /** Felix HTTP (Jetty) configuration PID and the keys it reads, as configuration or framework properties. */
    public static final String JETTY_PID = "org.apache.felix.http";
    public static final String JETTY_PORT = "org.osgi.service.http.port";
    public static final String JETTY_HOST = "org.apache.felix.http.host";
    /** What Jetty uses when neither a configuration nor a framework property names a port or host. */
    static final int JETTY_DEFAULT_PORT = 8080;
    static final String JETTY_DEFAULT_HOST = "0.0.0.0";

    /** Reads PID {@value #PID}; throws on a value that does not parse, naming the key and the value. */
    public static HttpEndpoint parse(Map<String, ?> properties) {
        Settings s = Settings.of(PID, properties);
        int port = s.port("port", DEFAULT_PORT);
        String host = s.host("host", DEFAULT_HOST);
        return new HttpEndpoint(host, port);
    }

    /**
     * What Jetty listens on now: its configuration where it has one, else the framework properties the
     * launcher set from the same file at start.
     *
     * @param jettyConfig       the properties of configuration {@value #JETTY_PID}, or null when there is none
     * @param frameworkProperty {@code BundleContext::getProperty}
     */
    public static HttpEndpoint current(Dictionary<String, ?> jettyConfig, UnaryOperator<String> frameworkProperty) {
        String port = lookup(jettyConfig, frameworkProperty, JETTY_PORT);
        String host = lookup(jettyConfig, frameworkProperty, JETTY_HOST);
        int p;
        try {
            p = port == null ? JETTY_DEFAULT_PORT : Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            p = JETTY_DEFAULT_PORT; // what Jetty itself falls back to
        }
        return new HttpEndpoint(host == null || host.isBlank() ? JETTY_DEFAULT_HOST : host.trim(), p);
    }

    private static String lookup(Dictionary<String, ?> config, UnaryOperator<String> framework, String key) {
        Object v = config == null ? null : config.get(key);
        return v != null ? String.valueOf(v) : framework.apply(key);
    }

    @Override
    public String toString() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
