package io.aqueduct.itests.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One copy of the built distribution in a temporary directory, driven through {@code bin/aqueduct} as an
 * operator would, on loopback ports chosen free for it.
 */
final class Appliance implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern TOKEN_LINE = Pattern.compile("(?m)^(aqd_\\S+)$");
    /** The operator's API token the tests send, made once by bin/aqueduct token create; every copy accepts it. */
    private static String operatorToken;
    private static byte[] operatorTokenFile;

    private final Path home;
    private final int rtmpPort;
    private volatile long pid = -1;

    private Appliance(Path home, int rtmpPort) {
        this.home = home;
        this.rtmpPort = rtmpPort;
    }

    /** Copies {@code distribution/target/aqueduct} (system property {@code aqueduct.distribution}). */
    static Appliance copyDistribution(int port) throws IOException {
        String dist = System.getProperty("aqueduct.distribution");
        if (dist == null || !Files.isExecutable(Path.of(dist, "bin", "aqueduct"))) {
            throw new IllegalStateException("no built distribution at " + dist + " (system property aqueduct.distribution)");
        }
        Path home = Files.createTempDirectory("aqueduct-it-");
        copyTree(Path.of(dist), home);
        Appliance a = new Appliance(home, freePort());
        a.writeConfig("io.aqueduct.http.cfg", "host = 127.0.0.1\nport = " + port + "\n");
        a.writeConfig("io.aqueduct.rtmp.cfg", "host = 127.0.0.1\nport = " + a.rtmpPort + "\n");
        // an origin's relay listener (cluster mode): its own port too, so copies never collide on 5000
        a.writeConfig("io.aqueduct.relay.cfg", "port = " + freePort() + "\n");
        unchecked(() -> {
            a.installOperatorToken();
            return null;
        });
        return a;
    }

    /**
     * The first copy makes the tests' API token with {@code bin/aqueduct token create}, as an operator would; the
     * other copies get the same token file, so one token opens the operator surface of every node of a test.
     */
    private void installOperatorToken() throws IOException, InterruptedException {
        synchronized (Appliance.class) {
            if (operatorToken == null) {
                Result r = aqueduct(Duration.ofSeconds(30), "token", "create", "system-tests");
                Matcher m = TOKEN_LINE.matcher(r.output());
                if (r.exitCode() != 0 || !m.find()) {
                    throw new AssertionError("bin/aqueduct token create system-tests: " + r.output());
                }
                operatorToken = m.group(1);
                operatorTokenFile = Files.readAllBytes(home.resolve("data/api-tokens"));
                return;
            }
        }
        Files.createDirectories(home.resolve("data"));
        Files.write(home.resolve("data/api-tokens"), operatorTokenFile);
    }

    /** {@code Bearer <token>}: what the tests send to a node's operator surface (/rest/, /cluster.html, /health). */
    static synchronized String operatorAuthorization() {
        if (operatorToken == null) {
            throw new IllegalStateException("no appliance copied yet, so no operator token");
        }
        return "Bearer " + operatorToken;
    }

    /** {@code Authorization: Bearer <token>}, as curl's {@code -H} takes it. */
    static String operatorAuthorizationHeader() {
        return "Authorization: " + operatorAuthorization();
    }

    /** Adds the tests' operator token to a request. */
    static HttpRequest.Builder asOperator(HttpRequest.Builder request) {
        return request.header("Authorization", operatorAuthorization());
    }

    /** The Web Console password this copy generated on its first start ({@code data/console-password}). */
    String consolePassword() throws IOException {
        return Files.readString(home.resolve("data/console-password"), StandardCharsets.UTF_8).strip();
    }

    /** The RTMP port this copy listens on (chosen free, like the HTTP port). */
    int rtmpPort() {
        return rtmpPort;
    }

    /** {@code rtmp://127.0.0.1:<port>/<key>}. */
    String rtmpUrl(String key) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/" + key;
    }

    Path home() {
        return home;
    }

    Path log() {
        return home.resolve("logs/aqueduct.log");
    }

    String logText() throws IOException {
        return Files.exists(log()) ? Files.readString(log(), StandardCharsets.UTF_8) : "";
    }

    Path config(String name) {
        return home.resolve("config").resolve(name);
    }

    /** Replaces a config file the way an editor saving it would. */
    void writeConfig(String name, String content) throws IOException {
        Files.writeString(config(name), content, StandardCharsets.ISO_8859_1);
    }

    /** Adds lines to conf/system.properties (a later line wins over an earlier one); read at the next start. */
    void addSystemProperties(String... lines) throws IOException {
        Files.writeString(home.resolve("conf/system.properties"), "\n" + String.join("\n", lines) + "\n",
                StandardCharsets.ISO_8859_1, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Sets one key in a config file, keeping the others. */
    void setConfig(String name, String key, String value) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(config(name), StandardCharsets.ISO_8859_1));
        lines.removeIf(l -> l.matches("\\s*" + Pattern.quote(key) + "\\s*[=:].*"));
        lines.add(key + " = " + value);
        Files.write(config(name), lines, StandardCharsets.ISO_8859_1);
    }

    /** Runs {@code bin/aqueduct <args>}; output and exit status. */
    Result aqueduct(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/aqueduct").toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile(home, "command-", ".out");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // the same Java as the tests
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/aqueduct " + String.join(" ", args) + " did not finish within " + timeout
                    + "; output: " + Files.readString(output));
        }
        Result r = new Result(p.exitValue(), Files.readString(output));
        Files.delete(output);
        if (args.length > 0 && args[0].equals("start")) {
            readPid().ifPresent(found -> pid = found);
        }
        return r;
    }

    Optional<Long> readPid() throws IOException {
        Path f = home.resolve("data/aqueduct.pid");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        String s = Files.readString(f).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
    }

    /** The node's process (from the last start, else the pid file); empty when it has exited. */
    Optional<ProcessHandle> process() {
        long p = pid;
        if (p < 0) {
            // a start that timed out never recorded its pid
            p = unchecked(this::readPid).orElse(-1L);
        }
        return p < 0 ? Optional.empty() : ProcessHandle.of(p).filter(ProcessHandle::isAlive);
    }

    /** {@code GET path} with the given console login, or with the operator token when {@code user} is null. */
    HttpResponse<String> get(int port, String path, String user, String password) throws IOException, InterruptedException {
        return HTTP.send(request(port, path, user, password).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a form, as a browser submits one. */
    HttpResponse<String> postForm(int port, String path, String user, String password, String form)
            throws IOException, InterruptedException {
        HttpRequest r = request(port, path, user, password)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(int port, String path, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (user != null) {
            String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            b.header("Authorization", "Basic " + token);
        } else {
            asOperator(b);
        }
        return b;
    }

    /** {@code GET path} with no credentials at all, as anyone on the network would send it. */
    HttpResponse<String> getAnonymous(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path} as the operator (the tests' API token). */
    HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return get(port, path, null, null);
    }

    /** The response, or empty when nothing accepts connections on the port. */
    Optional<HttpResponse<String>> tryGet(int port, String path) throws InterruptedException {
        try {
            return Optional.of(get(port, path));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Stops the node whatever state it is in: bin/aqueduct stop, then SIGKILL. */
    @Override
    public void close() throws Exception {
        try {
            if (process().isPresent()) {
                aqueduct(Duration.ofSeconds(45), "stop");
            }
        } finally {
            process().ifPresent(ProcessHandle::destroyForcibly);
            deleteTree(home);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls until the condition holds; fails with the description after the deadline. */
    static void await(Duration timeout, String description, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + description);
            }
            Thread.sleep(100);
        }
    }

    /** A string, number or null member of the JSON text, found by name (enough for /health). */
    static String jsonField(String json, String name) {
        Matcher m = jsonMember(json, name);
        if (!m.find()) {
            throw new AssertionError("no field " + name + " in " + json);
        }
        return m.group(1).equals("null") ? null : m.group(2) != null ? m.group(2) : m.group(1);
    }

    /** Like {@link #jsonField}, but null when the body has no such member (an error page while Jetty restarts). */
    static String jsonFieldOrNull(String json, String name) {
        Matcher m = jsonMember(json, name);
        return m.find() && !m.group(1).equals("null") ? (m.group(2) != null ? m.group(2) : m.group(1)) : null;
    }

    private static Matcher jsonMember(String json, String name) {
        return Pattern.compile("\"" + Pattern.quote(name) + "\":(null|\"((?:[^\"\\\\]|\\\\.)*)\"|-?\\d+)").matcher(json);
    }

    record Result(int exitCode, String output) {
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                String rel = from.relativize(p).toString();
                if (rel.startsWith("data/") || rel.startsWith("logs/")) {
                    continue; // a tree someone ran in place: start from an empty state
                }
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.deleteIfExists(to.resolve("config/org.apache.felix.webconsole.internal.servlet.OsgiManager.cfg"));
    }

    /** Deletes a directory and everything in it; nothing when it is not there. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static <T> T unchecked(IoCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    interface IoCall<T> {
        T call() throws IOException, InterruptedException;
    }

    /** Runs the calls on threads of their own (not the common pool, which may have one thread) and waits for all. */
    static <T> List<T> inParallel(List<Callable<T>> calls) throws Exception {
        if (calls.isEmpty()) {
            return List.of();
        }
        ExecutorService threads = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<T>> futures = threads.invokeAll(calls, 120, TimeUnit.SECONDS);
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception c ? c : e;
                }
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }
}
