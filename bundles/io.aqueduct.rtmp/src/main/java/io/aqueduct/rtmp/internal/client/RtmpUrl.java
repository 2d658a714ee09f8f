package io.aqueduct.rtmp.internal.client;

import java.net.URI;

/**
 * An {@code rtmp://host[:port]/app/stream} URL cut the way servers read it: the first path segment is the
 * application (what {@code connect} names), the rest, query included, is the stream name given to
 * {@code play}. {@code rtmp://host/live/cam1?token=x} plays {@code cam1?token=x} in application {@code live}.
 */
public record RtmpUrl(String host, int port, String app, String stream) {
    public static final int DEFAULT_PORT = 1935;

    public RtmpUrl {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("an RTMP URL needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
        }
        if (app == null || app.isEmpty() || stream == null || stream.isEmpty()) {
            throw new IllegalArgumentException("an RTMP URL needs an application and a stream: rtmp://host:port/app/stream");
        }
    }

    /** @throws IllegalArgumentException saying what is missing or wrong */
    public static RtmpUrl parse(URI uri) {
        if (!"rtmp".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an rtmp:// URL: " + uri);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new IllegalArgumentException("an RTMP URL needs an application and a stream: rtmp://host:port/app/stream, got " + uri);
        }
        String stream = path.substring(slash + 1);
        if (uri.getRawQuery() != null) {
            stream += "?" + uri.getRawQuery();
        }
        return new RtmpUrl(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), path.substring(0, slash), stream);
    }

    public static RtmpUrl parse(String url) {
        return parse(URI.create(url));
    }

    /** The {@code tcUrl} of {@code connect}: the URL up to and including the application. */
    public String tcUrl() {
        return "rtmp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + app;
    }

    @Override
    public String toString() {
        return tcUrl() + "/" + stream;
    }
}
