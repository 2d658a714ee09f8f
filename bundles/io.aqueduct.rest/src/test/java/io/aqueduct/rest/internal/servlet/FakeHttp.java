package io.aqueduct.rest.internal.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests and responses faked by {@link Proxy}: only the calls a servlet here should make are answered, anything
 * else fails the test.
 */
final class FakeHttp {
    private FakeHttp() {
    }

    interface Answer {
        Object answer(Object[] args);
    }

    @SuppressWarnings("unchecked")
    static <T> T fake(Class<T> type, Map<String, Answer> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            Answer a = answers.get(m.getName());
            if (a == null) {
                throw new UnsupportedOperationException("the servlet called " + m);
            }
            return a.answer(args);
        });
    }

    static HttpServletRequest request(String method, String servletPath, String pathInfo, Map<String, String> headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return fake(HttpServletRequest.class, Map.of(
                "getMethod", args -> method,
                "getServletPath", args -> servletPath,
                "getPathInfo", args -> pathInfo,
                "getProtocol", args -> "HTTP/1.1",
                "getHeader", args -> h.get((String) args[0]),
                // HttpServlet.service asks for conditional GETs
                "getDateHeader", args -> -1L));
    }

    /** What a servlet did to its response. */
    static final class Response {
        int status = 200;
        String contentType;
        String characterEncoding;
        long contentLength = -1;
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final StringWriter written = new StringWriter();
        private boolean usedStream;
        private boolean usedWriter;

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
            PrintWriter writer = new PrintWriter(written);
            Map<String, Answer> answers = new HashMap<>();
            answers.put("setStatus", args -> {
                status = (Integer) args[0];
                return null;
            });
            answers.put("setHeader", args -> {
                headers.put((String) args[0], (String) args[1]);
                return null;
            });
            answers.put("setContentType", args -> {
                contentType = (String) args[0];
                return null;
            });
            answers.put("setCharacterEncoding", args -> {
                characterEncoding = (String) args[0];
                return null;
            });
            answers.put("setContentLength", args -> {
                contentLength = (Integer) args[0];
                return null;
            });
            answers.put("containsHeader", args -> headers.containsKey((String) args[0]));
            answers.put("getOutputStream", args -> {
                if (usedWriter) {
                    throw new IllegalStateException("getWriter() was called");
                }
                usedStream = true;
                return out;
            });
            answers.put("getWriter", args -> {
                if (usedStream) {
                    throw new IllegalStateException("getOutputStream() was called");
                }
                usedWriter = true;
                return writer;
            });
            return fake(HttpServletResponse.class, answers);
        }

        String text() {
            return usedWriter ? written.toString() : body.toString(StandardCharsets.UTF_8);
        }
    }
}
