package io.aqueduct.rest.internal.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The cluster monitor page: {@code /cluster.html} with its script and style under {@code /cluster/}, read from the
 * bundle once. The Web Console's Cluster tab shows the same page: the console draws its own frame and takes
 * {@link #body()}, the part of cluster.html between {@code <body>} and {@code </body>}, which loads the script and
 * the style by absolute paths and so works under either address.
 */
public final class ClusterPage {
    public static final String HTML = "text/html; charset=utf-8";
    public static final String JAVASCRIPT = "text/javascript; charset=utf-8";
    public static final String CSS = "text/css; charset=utf-8";

    /** A file we serve: where it lies in the bundle and its type. */
    public record Asset(String classpathName, String contentType) {
    }

    /** Request path to file: the whole of what the page servlet serves. */
    public static final Map<String, Asset> FILES = Map.of(
            "/cluster.html", new Asset("static/cluster/cluster.html", HTML),
            "/cluster/cluster.js", new Asset("static/cluster/cluster.js", JAVASCRIPT),
            "/cluster/cluster.css", new Asset("static/cluster/cluster.css", CSS));

    /** A file's bytes and a strong ETag derived from them. */
    public record Content(Asset asset, byte[] bytes, String etag) {
    }

    private final Map<String, Content> contents;
    private final String body;

    private ClusterPage(Map<String, Content> contents, String body) {
        this.contents = contents;
        this.body = body;
    }

    /**
     * Reads every file up front, so a bundle built without one fails on activation, in the log, rather than as a
     * 404 in the operator's browser.
     *
     * @throws IllegalStateException naming the file that is missing, or when cluster.html has no body
     */
    public static ClusterPage load(ClassLoader loader) {
        Map<String, Content> result = new HashMap<>();
        FILES.forEach((path, asset) -> {
            try (InputStream in = loader.getResourceAsStream(asset.classpathName())) {
                if (in == null) {
                    throw new IllegalStateException("the bundle lacks " + asset.classpathName());
                }
                byte[] bytes = in.readAllBytes();
                result.put(path, new Content(asset, bytes, etag(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + asset.classpathName(), e);
            }
        });
        String html = new String(result.get("/cluster.html").bytes(), StandardCharsets.UTF_8);
        return new ClusterPage(Map.copyOf(result), body(html));
    }

    static String body(String html) {
        int start = html.indexOf("<body>");
        int end = html.lastIndexOf("</body>");
        if (start < 0 || end < start) {
            throw new IllegalStateException("cluster.html needs a plain <body> ... </body> for the Web Console tab");
        }
        return html.substring(start + "<body>".length(), end);
    }

    /** The file for a request path, or null. */
    public Content get(String path) {
        return contents.get(path);
    }

    /** What the Web Console shows inside its frame. */
    public String body() {
        return body;
    }

    static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
