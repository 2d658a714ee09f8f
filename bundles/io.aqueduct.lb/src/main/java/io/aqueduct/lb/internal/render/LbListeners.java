package io.aqueduct.lb.internal.render;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the balancer listens on, and where it keeps its files.
 *
 * <p>The paths are operator settings that go into the configuration as they are, so the constructor refuses what
 * could end a directive or start a new one (whitespace, quotes, {@code ; { } #}, control characters) and what nginx
 * or HAProxy would interpret ({@code $} variables, {@code \} escapes).
 *
 * @param rtmpPublishPort RTMP publish port (TCP, to the origins); default 1935
 * @param rtmpPlayPort RTMP play port (TCP, to the edges); default 1936
 * @param httpPort HTTP port; default 80
 * @param httpsPort HTTPS port, used with TLS only; default 443
 * @param rtmpsPort RTMPS publish port, used with TLS only; default 1937
 * @param tlsCertificate PEM certificate file; empty: no TLS
 * @param tlsKey PEM private key file; empty exactly when {@code tlsCertificate} is. HAProxy 2.6 cannot name a key
 *     file: it reads the key from the certificate file or from {@code <tlsCertificate>.key}
 * @param runtimeDir absolute directory for nginx's pid file, error log and temporary files (HAProxy: pid file)
 * @param nginxStreamModule nginx's dynamic stream module, loaded with {@code load_module}; empty: built in
 * @param listenAddress the IPv4 address or host name every listener binds; {@code 0.0.0.0} (the default): all
 */
public record LbListeners(int rtmpPublishPort, int rtmpPlayPort, int httpPort, int httpsPort, int rtmpsPort,
        String tlsCertificate, String tlsKey, String runtimeDir, String nginxStreamModule, String listenAddress) {
    private static final Pattern LISTEN_ADDRESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*");

    /** What a path must not hold: anything that could end a directive, start one or be expanded. */
    private static final Pattern UNSAFE = Pattern.compile("[\\s\"'`;{}#$\\\\\\p{Cntrl}]");

    // after UNSAFE: static fields initialise in order, and the constructor uses it
    public static final LbListeners DEFAULTS = new LbListeners(1935, 1936, 80, 443, 1937, "", "", "/run/aqueduct-lb",
            "/usr/lib/nginx/modules/ngx_stream_module.so");

    /** Listening on every interface. */
    public LbListeners(int rtmpPublishPort, int rtmpPlayPort, int httpPort, int httpsPort, int rtmpsPort,
            String tlsCertificate, String tlsKey, String runtimeDir, String nginxStreamModule) {
        this(rtmpPublishPort, rtmpPlayPort, httpPort, httpsPort, rtmpsPort, tlsCertificate, tlsKey, runtimeDir,
                nginxStreamModule, "0.0.0.0");
    }

    public LbListeners {
        if (listenAddress == null || !LISTEN_ADDRESS.matcher(listenAddress).matches()) {
            throw new IllegalArgumentException("listenAddress must be an IPv4 address or a host name: '"
                    + listenAddress + "'");
        }
        Objects.requireNonNull(tlsCertificate, "tlsCertificate");
        Objects.requireNonNull(tlsKey, "tlsKey");
        Objects.requireNonNull(runtimeDir, "runtimeDir");
        Objects.requireNonNull(nginxStreamModule, "nginxStreamModule");
        boolean tls = !tlsCertificate.isEmpty();
        // only the ports in use must differ: without TLS the HTTPS and RTMPS ports are not listened on
        Set<Integer> used = new HashSet<>();
        port("rtmpPublishPort", rtmpPublishPort, used);
        port("rtmpPlayPort", rtmpPlayPort, used);
        port("httpPort", httpPort, used);
        if (tls) {
            port("httpsPort", httpsPort, used);
            port("rtmpsPort", rtmpsPort, used);
        }
        if (tls == tlsKey.isEmpty()) {
            throw new IllegalArgumentException("TLS needs both tlsCertificate and tlsKey; got certificate '"
                    + shown(tlsCertificate) + "' and key '" + shown(tlsKey) + "'");
        }
        path("tlsCertificate", tlsCertificate);
        path("tlsKey", tlsKey);
        path("runtimeDir", runtimeDir);
        path("nginxStreamModule", nginxStreamModule);
        // nginx resolves relative paths against its compiled-in prefix, which is never what was meant
        if (!runtimeDir.startsWith("/")) {
            throw new IllegalArgumentException("runtimeDir must be an absolute path: '" + shown(runtimeDir) + "'");
        }
    }

    /** Whether the balancer terminates TLS (HTTPS and RTMPS listeners). */
    public boolean tls() {
        return !tlsCertificate.isEmpty();
    }

    private static void port(String name, int port, Set<Integer> used) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be a port from 1 to 65535: " + port);
        }
        if (!used.add(port)) {
            throw new IllegalArgumentException(name + " " + port + " is already taken by another listener");
        }
    }

    private static void path(String name, String value) {
        if (UNSAFE.matcher(value).find()) {
            throw new IllegalArgumentException(name + " '" + shown(value) + "' must not contain "
                    + "whitespace, quotes, ';', '{', '}', '#', '$', '\\' or control characters");
        }
    }

    /** A value as an error message shows it: control characters would garble the log line. */
    private static String shown(String value) {
        return value.replaceAll("\\p{Cntrl}", "?");
    }
}
