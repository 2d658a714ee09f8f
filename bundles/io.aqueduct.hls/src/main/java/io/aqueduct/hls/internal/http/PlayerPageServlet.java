package io.aqueduct.hls.internal.http;

import io.aqueduct.api.http.HttpContexts;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The hls.js player page: {@code /play.html?stream=<app>/<stream>} and its scripts under {@code /player/}.
 *
 * <p>Only the files in {@link #FILES} are served, each from a fixed classpath name: no part of the request path
 * reaches the class loader, so there is nothing to traverse. hls.min.js is unpacked into the bundle from the npm
 * package at build time; play.html asks for it with {@code ?v=<version>}, so it may be cached for a year, while the page and
 * our own script and style are revalidated on every load (their ETag makes that a 304).
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(HttpContexts.SELECT_PUBLIC)
@HttpWhiteboardServletPattern({"/play.html", "/player/*"})
@HttpWhiteboardServletName("aqueduct-player")
public final class PlayerPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static final String HTML = "text/html; charset=utf-8";
    static final String JAVASCRIPT = "text/javascript; charset=utf-8";
    static final String CSS = "text/css; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";
    static final String REVALIDATE = "no-cache";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /** A file we serve: where it lies in the bundle and how it goes out. */
    record Asset(String classpathName, String contentType, String cacheControl) {
    }

    /** Request path (servlet path + path info) to file: the whole of what this servlet serves. */
    static final Map<String, Asset> FILES = Map.of(
            "/play.html", new Asset("static/play.html", HTML, REVALIDATE),
            "/player/player.js", new Asset("static/player/player.js", JAVASCRIPT, REVALIDATE),
            "/player/player.css", new Asset("static/player/player.css", CSS, REVALIDATE),
            "/player/hls.min.js", new Asset("static/player/hls.min.js", JAVASCRIPT, IMMUTABLE),
            "/player/hls.js-LICENSE.txt", new Asset("static/player/hls.js-LICENSE.txt", TEXT, REVALIDATE));

    /** A file's bytes, read once: the bundle's content does not change while it is active. */
    record Content(Asset asset, byte[] bytes, String etag) {
    }

    private final transient Map<String, Content> contents;

    public PlayerPageServlet() {
        this(PlayerPageServlet.class.getClassLoader());
    }

    PlayerPageServlet(ClassLoader loader) {
        this.contents = load(loader);
    }

    /**
     * Reads every file up front, so a bundle built without one (hls.min.js missing) fails on activation, in the
     * log, rather than as a 404 in a viewer's browser.
     */
    static Map<String, Content> load(ClassLoader loader) {
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
        return Map.copyOf(result);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, true);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, false);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean body) throws IOException {
        // any page may embed the player or fetch its script
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setHeader("X-Content-Type-Options", "nosniff");
        Content content = contents.get(requestPath(request));
        if (content == null) {
            byte[] text = "Not found\n".getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            response.setContentType(TEXT);
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(text.length);
            if (body) {
                response.getOutputStream().write(text);
            }
            return;
        }
        response.setHeader("ETag", content.etag());
        response.setHeader("Cache-Control", content.asset().cacheControl());
        if (matches(request.getHeader("If-None-Match"), content.etag())) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(content.asset().contentType());
        response.setContentLength(content.bytes().length);
        if (body) {
            response.getOutputStream().write(content.bytes());
        }
    }

    /** {@code /play.html} (an exact pattern: no path info) or {@code /player} + {@code /hls.min.js}. */
    static String requestPath(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    }

    /** If-None-Match with the weak comparison RFC 9110 13.1.2 asks for: a list of tags, or {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** A strong tag from the content, so it stays the same across restarts and nodes serving the same bundle. */
    static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
