package io.aqueduct.itests.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node says over HTTP about itself and the cluster, read as an operator's script would: {@code /health}
 * (status, mode, each check, each bundle's state) and {@code GET /rest/v2/cluster/streams}. Parsed with patterns,
 * enough for assertions on the JSON the node writes.
 */
final class ClusterProbe {
    private static final Pattern CHECK = Pattern.compile(
            "\\{\"name\":\"((?:[^\"\\\\]|\\\\.)*)\",\"status\":\"(\\w+)\",\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"}");
    private static final Pattern OBJECT = Pattern.compile("\\{[^{}]*}");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Appliance node;
    private final int port;

    ClusterProbe(Appliance node, int port) {
        this.node = node;
        this.port = port;
    }

    /** One entry of {@code checks} in {@code /health}, its message unescaped. */
    record Check(String name, String status, String message) {
    }

    /** {@code /health}: its HTTP status and body. */
    record Health(int httpStatus, String json) {
        String status() {
            return Appliance.jsonFieldOrNull(json, "status");
        }

        String mode() {
            return Appliance.jsonFieldOrNull(json, "mode");
        }

        String nodeId() {
            return Appliance.jsonFieldOrNull(json, "nodeId");
        }

        Optional<Check> check(String name) {
            Matcher m = CHECK.matcher(json);
            while (m.find()) {
                if (unescape(m.group(1)).equals(name)) {
                    return Optional.of(new Check(name, m.group(2), unescape(m.group(3))));
                }
            }
            return Optional.empty();
        }

        /** The state of a bundle (ACTIVE, RESOLVED...), or null when it is not listed. */
        String bundleState(String symbolicName) {
            Matcher m = Pattern.compile("\\{\"name\":\"" + Pattern.quote(symbolicName)
                    + "\",\"version\":\"[^\"]*\",\"state\":\"(\\w+)\"}").matcher(json);
            return m.find() ? m.group(1) : null;
        }

        /** The check's status and message, or a note that it is missing, for assertions. */
        String describe(String check) {
            return check(check).map(c -> c.status() + ": " + c.message()).orElse("no check " + check + " in " + json);
        }
    }

    /** One entry of {@code streams} in {@code /rest/v2/cluster/streams}. */
    record RegisteredStream(String key, String originNode, String originAddress, boolean originAlive) {
    }

    /** {@code /rest/v2/cluster/streams}: its HTTP status and body. */
    record Streams(int httpStatus, String json) {
        List<RegisteredStream> streams() {
            List<RegisteredStream> list = new ArrayList<>();
            int at = json.indexOf("\"streams\":[");
            if (at < 0) {
                return list;
            }
            Matcher m = OBJECT.matcher(json);
            m.region(at, json.length());
            while (m.find()) {
                String o = m.group();
                list.add(new RegisteredStream(Appliance.jsonFieldOrNull(o, "key"),
                        Appliance.jsonFieldOrNull(o, "originNode"), Appliance.jsonFieldOrNull(o, "originAddress"),
                        o.contains("\"originAlive\":true")));
            }
            return list;
        }

        Optional<RegisteredStream> stream(String key) {
            return streams().stream().filter(s -> key.equals(s.key())).findFirst();
        }

        String error() {
            return Appliance.jsonFieldOrNull(json, "error");
        }
    }

    Health health() throws IOException, InterruptedException {
        HttpResponse<String> r = node.get(port, "/health");
        return new Health(r.statusCode(), r.body());
    }

    Streams streams() throws IOException, InterruptedException {
        HttpResponse<String> r = node.get(port, "/rest/v2/cluster/streams");
        return new Streams(r.statusCode(), r.body());
    }

    /** The body of {@code GET path}, its status first: for failure messages and the REST reads not modelled here. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return node.get(port, path);
    }

    /**
     * Polls {@code /health} until {@code condition} holds and returns that answer; on time-out fails with the
     * last answer and the end of the node's log.
     */
    Health awaitHealth(Duration timeout, String what, Predicate<Health> condition) throws Exception {
        Health[] last = {null};
        try {
            Appliance.await(timeout, what, () -> {
                try {
                    last[0] = health();
                    return condition.test(last[0]);
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlast /health: " + (last[0] == null ? "none" : last[0].json())
                    + "\nlog (end):\n" + logTail(60), e);
        }
        return last[0];
    }

    /** {@code GET path} as bytes (an HLS segment). */
    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Like {@link #awaitHealth}, for {@code /rest/v2/cluster/streams}. */
    Streams awaitStreams(Duration timeout, String what, Predicate<Streams> condition) throws Exception {
        Streams[] last = {null};
        try {
            Appliance.await(timeout, what, () -> {
                try {
                    last[0] = streams();
                    return condition.test(last[0]);
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlast /rest/v2/cluster/streams: "
                    + (last[0] == null ? "none" : last[0].httpStatus() + " " + last[0].json())
                    + "\nlog (end):\n" + logTail(60), e);
        }
        return last[0];
    }

    /** The last lines of the node's log. */
    String logTail(int lines) throws IOException {
        List<String> all = node.logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** JSON string escapes: the node writes \", \\, \/, \n, \r, \t, \b, \f and \\uXXXX. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }
}
