package io.aqueduct.hls.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The servlet against the files the build put in target/classes (play.html filtered, hls.min.js unpacked from the
 * npm package), with a request and a response faked by {@link Proxy}: only the calls the servlet should make are
 * answered, anything else fails the test.
 */
class PlayerPageServletTest {
    /** The parent pom's hlsjs.version: the package the build fetched and checked. */
    private static final String HLSJS_VERSION = "1.7.4";

    private final PlayerPageServlet servlet = new PlayerPageServlet();

    @Test
    void playHtmlIsHtmlRevalidatedAndOpenToEveryOrigin() throws Exception {
        Response r = get("/play.html", null);
        assertEquals(200, r.status);
        assertEquals("text/html; charset=utf-8", r.contentType);
        assertEquals("no-cache", r.headers.get("Cache-Control"));
        assertEquals("*", r.headers.get("Access-Control-Allow-Origin"));
        assertEquals(r.body.size(), r.contentLength);
        assertArrayEquals(resource("static/play.html"), r.body.toByteArray());
    }

    @Test
    void playHtmlNamesTheBundledHlsJsVersion() throws Exception {
        String html = get("/play.html", null).text();
        assertTrue(html.contains("player/hls.min.js?v=" + HLSJS_VERSION), "Maven filtered the version in: " + html);
        assertFalse(html.contains("${"), "nothing left unfiltered");
        assertTrue(html.contains("id=\"latency\""), html);
    }

    @Test
    void hlsJsFromTheNpmPackageIsCachedForLong() throws Exception {
        Response r = get("/player/hls.min.js", null);
        assertEquals(200, r.status);
        assertEquals("text/javascript; charset=utf-8", r.contentType);
        assertEquals("public, max-age=31536000, immutable", r.headers.get("Cache-Control"));
        assertTrue(r.text().contains("\"" + HLSJS_VERSION + "\""), "hls.js " + HLSJS_VERSION);
        assertTrue(r.contentLength > 100_000, "the whole minified library: " + r.contentLength);
    }

    @Test
    void ourScriptStyleAndTheLicenseHaveTheirTypes() throws Exception {
        assertEquals("text/javascript; charset=utf-8", get("/player/player.js", null).contentType);
        assertEquals("text/css; charset=utf-8", get("/player/player.css", null).contentType);
        Response license = get("/player/hls.js-LICENSE.txt", null);
        assertEquals("text/plain; charset=utf-8", license.contentType);
        assertTrue(license.text().contains("Apache License"), license.text());
    }

    @Test
    void headSendsTheHeadersWithoutTheBody() throws Exception {
        Response get = get("/player/player.js", null);
        Response head = request("HEAD", "/player", "/player.js", null);
        assertEquals(200, head.status);
        assertEquals(get.contentLength, head.contentLength);
        assertEquals(get.headers.get("ETag"), head.headers.get("ETag"));
        assertEquals(0, head.body.size());
    }

    @Test
    void aMatchingIfNoneMatchIsAnsweredWith304() throws Exception {
        String etag = get("/play.html", null).headers.get("ETag");
        assertTrue(etag.matches("\"[0-9a-f]{24}\""), etag);
        for (String ifNoneMatch : new String[] {etag, "W/" + etag, "\"other\", " + etag, "*"}) {
            Response r = get("/play.html", ifNoneMatch);
            assertEquals(304, r.status, ifNoneMatch);
            assertEquals(0, r.body.size());
            assertEquals(etag, r.headers.get("ETag"));
            assertEquals("no-cache", r.headers.get("Cache-Control"));
        }
        assertEquals(200, get("/play.html", "\"other\"").status);
        assertNotEquals(etag, get("/player/player.js", null).headers.get("ETag"), "one tag per content");
    }

    @Test
    void anythingElseIs404WithAShortText() throws Exception {
        String[][] paths = {
            {"/player", null}, {"/player", "/"}, {"/player", "/hls.min.js.map"}, {"/player", "/../play.html"},
            {"/player", "/%2e%2e/static/play.html"}, {"/player", "/hls.js"}, {"/player", "/PLAYER.JS"},
            {"/player", "/player.js/"}, {"/player", "//player.js"}, {"/play.html", "/x"}, {"", null},
        };
        for (String[] p : paths) {
            Response r = request("GET", p[0], p[1], null);
            assertEquals(404, r.status, p[0] + " + " + p[1]);
            assertEquals("text/plain; charset=utf-8", r.contentType);
            assertEquals("Not found\n", r.text());
            assertEquals("*", r.headers.get("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void aBundleWithoutAFileFailsOnActivationNamingIt() {
        ClassLoader empty = new ClassLoader(null) {
            @Override
            public URL getResource(String name) {
                return null;
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new PlayerPageServlet(empty));
        assertTrue(e.getMessage().startsWith("the bundle lacks static/"), e.getMessage());
    }

    @Test
    void ifNoneMatchParsing() {
        assertFalse(PlayerPageServlet.matches(null, "\"a\""));
        assertFalse(PlayerPageServlet.matches("", "\"a\""));
        assertFalse(PlayerPageServlet.matches("\"ab\"", "\"a\""));
        assertTrue(PlayerPageServlet.matches(" \"b\" ,W/\"a\"", "\"a\""));
    }

    private Response get(String path, String ifNoneMatch) throws Exception {
        int slash = path.indexOf('/', 1);
        // as the whiteboard splits them: an exact pattern has no path info, /player/* does
        return slash < 0 ? request("GET", path, null, ifNoneMatch)
                : request("GET", path.substring(0, slash), path.substring(slash), ifNoneMatch);
    }

    private Response request(String method, String servletPath, String pathInfo, String ifNoneMatch) throws Exception {
        HttpServletRequest request = fake(HttpServletRequest.class, Map.of(
                "getMethod", args -> method,
                "getServletPath", args -> servletPath,
                "getPathInfo", args -> pathInfo,
                "getHeader", args -> "If-None-Match".equalsIgnoreCase((String) args[0]) ? ifNoneMatch : null));
        Response r = new Response();
        servlet.service(request, r.proxy());
        return r;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PlayerPageServlet.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    interface Answer {
        Object answer(Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type, Map<String, Answer> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            Answer a = answers.get(m.getName());
            if (a == null) {
                throw new UnsupportedOperationException("the servlet called " + m);
            }
            return a.answer(args);
        });
    }

    /** What the servlet did to its response. */
    private static final class Response {
        int status = 200;
        String contentType;
        long contentLength = -1;
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    body.write(b, off, len);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            return fake(HttpServletResponse.class, Map.of(
                    "setStatus", args -> {
                        status = (Integer) args[0];
                        return null;
                    },
                    "setHeader", args -> {
                        headers.put((String) args[0], (String) args[1]);
                        return null;
                    },
                    "setContentType", args -> {
                        contentType = (String) args[0];
                        return null;
                    },
                    "setContentLength", args -> {
                        contentLength = (Integer) args[0];
                        return null;
                    },
                    // HttpServlet.service asks before a HEAD
                    "containsHeader", args -> headers.containsKey((String) args[0]),
                    "getOutputStream", args -> out));
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }
}
