package io.aqueduct.itests.system;

import static io.aqueduct.itests.system.Appliance.await;
import static io.aqueduct.itests.system.Appliance.unchecked;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode with real processes: one {@code bin/aqueduct registry} and three appliance nodes, each an origin on
 * its own loopback ports, configured before their first start as an operator would ({@code bin/aqueduct mode cluster
 * 127.0.0.1:<port>} and a short heartbeat in {@code io.aqueduct.cluster.cfg}). The nodes see each other; a node
 * killed with SIGKILL turns dead on the others within the dead-after interval, on the REST API and on the monitor
 * page in headless Chromium; a stream published over RTMP is registered with its origin, refused on a second origin
 * while the first is alive and accepted there once it is dead; a dead node can be deleted.
 *
 * <p>One cluster for the whole class; the tests run in order and build on each other: node 0 is the first origin
 * and is killed, node 1 is the second origin, node 2 serves the monitor page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ClusterIT {
    private static final long HEARTBEAT_MS = 500;
    private static final long DEAD_AFTER_MS = 2000;
    /** Our polling (100 ms) and the time a REST read takes on a busy two-core machine. */
    private static final long POLL_MARGIN_MS = 1000;
    /** The monitor page reads the REST API every 2 s. */
    private static final long PAGE_REFRESH_MS = 2000;
    private static final String STREAM = "live/cluster";
    /** Longer than the whole class takes; publishers are stopped in {@link #stop()}. */
    private static final int PUBLISH_SECONDS = 180;
    private static final Duration JOIN = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** static: JUnit fills instance @TempDir fields only after @BeforeAll */
    @TempDir
    static Path dir;

    private RegistryProcess registry;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Ffmpeg.Run> publishers = new ArrayList<>();
    private Browser browser;
    private long classStarted;

    /** An appliance of the cluster with its ports and the id it registered under. */
    private record Node(Appliance appliance, int port, String id) {
        int rtmpPort() {
            return appliance.rtmpPort();
        }
    }

    @BeforeAll
    void start() throws Exception {
        classStarted = System.nanoTime();
        int registryPort = Appliance.freePort();
        // the distribution's own script, read only: the registry's data stays in the test's directory
        registry = new RegistryProcess(Path.of(System.getProperty("aqueduct.distribution")), registryPort, dir);
        registry.start(dir.resolve("registry.mv.db"));

        List<Appliance> appliances = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = Appliance.freePort();
            Appliance a = Appliance.copyDistribution(port);
            appliances.add(a);
            ports.add(port);
            // registered for stop() at once, so a failing start below still stops every node
            nodes.add(new Node(a, port, null));
            Appliance.Result mode = a.aqueduct(Duration.ofSeconds(30), "mode", "cluster",
                    "127.0.0.1:" + registryPort, "--role", "origin");
            assertThat(mode.exitCode()).as("bin/aqueduct mode cluster: %s", mode.output()).isZero();
            a.setConfig("io.aqueduct.cluster.cfg", "heartbeat.period.ms", Long.toString(HEARTBEAT_MS));
            a.setConfig("io.aqueduct.cluster.cfg", "dead.after.ms", Long.toString(DEAD_AFTER_MS));
        }
        // the three JVMs start together rather than one after the other
        List<Appliance.Result> starts = Appliance.inParallel(appliances.stream()
                .<Callable<Appliance.Result>>map(a -> () -> a.aqueduct(Duration.ofSeconds(90), "start")).toList());
        for (int i = 0; i < 3; i++) {
            Appliance.Result r = starts.get(i);
            assertThat(r.exitCode()).as("node %d: bin/aqueduct start: %s%nlog:%n%s", i, r.output(),
                    appliances.get(i).logText()).isZero();
        }
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            Appliance a = appliances.get(i);
            int port = ports.get(i);
            String[] id = new String[1];
            await(JOIN, "node " + i + " answers /rest/v2/cluster/nodes (log: " + a.log() + ")", () -> {
                Optional<Document> body = tryJson(port, "/rest/v2/cluster/nodes");
                id[0] = body.map(b -> b.getString("nodeId")).orElse(null);
                return id[0] != null;
            });
            assertThat(id[0]).as("node %d's id", i)
                    .isEqualTo(Files.readString(a.home().resolve("data/node.id")).trim());
            nodes.set(i, new Node(a, port, id[0]));
        }
        System.out.printf("cluster: registry on %d, nodes %s; started in %d ms, REST answering %d ms later%n",
                registryPort, nodes.stream().map(n -> n.id() + "@http:" + n.port() + ",rtmp:" + n.rtmpPort())
                        .toList(), TimeUnit.NANOSECONDS.toMillis(started - classStarted),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            for (Ffmpeg.Run p : publishers) {
                p.process().destroyForcibly();
            }
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                // in parallel: each stop leaves the registry and waits for the JVM to exit
                Appliance.inParallel(nodes.stream().<Callable<Void>>map(n -> () -> {
                    n.appliance().close();
                    return null;
                }).toList());
            } finally {
                if (registry != null) {
                    registry.stop();
                }
                System.out.printf("cluster: the class took %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - classStarted));
            }
        }
    }

    @Test
    @Order(1)
    void everyNodeListsAllThreeAliveWithTheirAddressAndPorts() throws Exception {
        List<String> ids = nodes.stream().map(Node::id).toList();
        for (Node asked : nodes) {
            Document[] answer = new Document[1];
            await(JOIN, asked.id() + " lists " + ids + " alive", () -> {
                answer[0] = tryJson(asked.port(), "/rest/v2/cluster/nodes").orElse(null);
                return answer[0] != null && answer[0].getList("nodes", Document.class).stream()
                        .filter(n -> n.getBoolean("alive")).map(n -> n.getString("id")).toList()
                        .containsAll(ids);
            });
            Document body = answer[0];
            assertThat(body.getString("mode")).as("mode on %s", asked.id()).isEqualTo("cluster");
            assertThat(body.getString("nodeId")).isEqualTo(asked.id());
            assertThat(body.getString("registry")).as("registry on %s", asked.id()).contains("127.0.0.1");
            assertThat(number(body, "heartbeatPeriodMs")).isEqualTo(HEARTBEAT_MS);
            assertThat(number(body, "deadAfterMs")).isEqualTo(DEAD_AFTER_MS);
            List<Document> listed = body.getList("nodes", Document.class);
            assertThat(listed).as("nodes on %s: %s", asked.id(), body.toJson())
                    .extracting(n -> n.getString("id")).containsExactlyInAnyOrderElementsOf(ids);
            for (Node n : nodes) {
                Document d = entry(listed, "id", n.id());
                assertThat(d.getString("address")).as("address of %s", n.id()).isEqualTo("127.0.0.1");
                assertThat(d.getString("role")).as("role of %s", n.id()).isEqualTo("origin");
                Document p = d.get("ports", Document.class);
                assertThat(number(p, "http")).as("http port of %s in %s", n.id(), d.toJson()).isEqualTo(n.port());
                assertThat(number(p, "rtmp")).as("rtmp port of %s in %s", n.id(), d.toJson())
                        .isEqualTo(n.rtmpPort());
                assertThat(d.getBoolean("self")).as("self of %s asked on %s", n.id(), asked.id())
                        .isEqualTo(n == asked);
                assertThat(number(d, "heartbeatAgeMs")).as("heartbeat age of %s", n.id())
                        .isBetween(0L, DEAD_AFTER_MS);
            }
        }
        for (Node n : nodes) {
            Document health = Document.parse(n.appliance().get(n.port(), "/health").body());
            assertThat(health.getString("nodeId")).as("/health of %s", n.id()).isEqualTo(n.id());
            assertThat(health.getString("mode")).isEqualTo("cluster");
            assertThat(health.getString("role")).isEqualTo("origin");
            Document check = entry(health.getList("checks", Document.class), "name", "cluster-registry");
            assertThat(check.getString("status")).as("cluster-registry on %s: %s", n.id(), check.toJson())
                    .isEqualTo("UP");
            assertThat(check.getString("message")).as("cluster-registry on %s", n.id())
                    .startsWith("registered in ").contains(" as " + n.id() + " (origin)");
        }
    }

    @Test
    @Order(2)
    void theMonitorPageShowsTheThreeNodesAlive() throws Exception {
        browser = Browser.start();
        Node watcher = nodes.get(2);
        String url = "http://127.0.0.1:" + watcher.port() + "/cluster.html";
        // the console's admin login, as an operator types it into the browser's prompt; the page's own requests to
        // /rest/v2/cluster/ reuse it
        browser.open("http://admin:" + watcher.appliance().consolePassword() + "@127.0.0.1:" + watcher.port()
                + "/cluster.html");
        browser.waitFor(url + " shows three alive nodes", () -> rowStates().size() == 3
                && rowStates().values().stream().allMatch("alive"::equals), Duration.ofSeconds(15));
        assertThat(rowStates().keySet()).containsExactlyInAnyOrderElementsOf(nodes.stream().map(Node::id).toList());
        assertThat(browser.evaluate("document.getElementById('aq-cluster').dataset.mode")).isEqualTo("cluster");
        assertThat(browser.evaluate("document.getElementById('aq-cluster').dataset.stale")).isEqualTo("false");
        assertThat(browser.evaluate("document.querySelector('tr[data-node-id=\"" + watcher.id()
                + "\"] .aq-self-mark') !== null")).as("'this node' marks %s", watcher.id()).isEqualTo(true);
    }

    @Test
    @Order(3)
    void aPublishRegistersTheStreamWithItsOrigin() throws Exception {
        Node origin = nodes.get(0);
        publishers.add(Ffmpeg.publishTestSource(dir, origin.appliance().rtmpUrl(STREAM), "320x240", PUBLISH_SECONDS,
                30));
        for (Node asked : nodes) {
            Document stream = awaitStream(asked, origin, true);
            assertThat(stream.getString("originAddress")).as("origin address on %s", asked.id())
                    .isEqualTo("127.0.0.1");
        }
        // the load figures come with the origin's next heartbeat
        await(Duration.ofSeconds(5), origin.id() + " reports 1 stream on " + nodes.get(1).id(),
                () -> unchecked(() -> number(entry(nodesOn(nodes.get(1)), "id", origin.id()), "streams")) == 1);
        browser.waitFor("the page shows " + STREAM + " on " + origin.id(),
                () -> streamRow().equals(List.of(STREAM, origin.id(), "127.0.0.1", "true")), Duration.ofSeconds(10));
    }

    @Test
    @Order(4)
    void aSecondOriginIsRefusedWhileTheFirstIsAlive() throws Exception {
        Node first = nodes.get(0);
        Node second = nodes.get(1);
        Ffmpeg.Run refused = Ffmpeg.publishTestSource(dir, second.appliance().rtmpUrl(STREAM), "320x240", 10, 30);
        publishers.add(refused);
        int exit = refused.await(30);
        String output = refused.output();
        System.out.printf("second origin: ffmpeg exited %d: %s%n", exit, output.strip());
        assertThat(exit).as("ffmpeg publishing %s on %s: %s", STREAM, second.id(), output).isNotZero();
        assertThat(output).as("ffmpeg's output").contains("publishing " + STREAM + " is not allowed: stream "
                + STREAM + " is live on origin " + first.id() + " (127.0.0.1); a second origin is refused while "
                + "that one is alive");
        assertThat(second.appliance().logText()).as("the second origin's log")
                .contains("Publish refused: stream " + STREAM + " is live on origin " + first.id());
        for (Node asked : nodes) {
            awaitStream(asked, first, true);
        }
    }

    @Test
    @Order(5)
    void aKilledNodeTurnsDeadOnTheOthersWithinTheInterval() throws Exception {
        Node victim = nodes.get(0);
        List<Node> survivors = nodes.subList(1, 3);
        for (Node s : survivors) {
            assertThat(entry(nodesOn(s), "id", victim.id()).getBoolean("alive")).as("%s alive on %s before the kill",
                    victim.id(), s.id()).isTrue();
        }
        ProcessHandle process = victim.appliance().process()
                .orElseThrow(() -> new AssertionError(victim.id() + " is not running"));

        long killed = System.nanoTime();
        assertThat(process.destroyForcibly()).as("SIGKILL to %s (pid %d)", victim.id(), process.pid()).isTrue();
        Map<String, Long> deadAfter = new LinkedHashMap<>();
        Map<String, Long> ageWhenDead = new LinkedHashMap<>();
        long deadline = killed + TimeUnit.SECONDS.toNanos(20);
        while (deadAfter.size() < survivors.size() + 1 && System.nanoTime() < deadline) {
            for (Node s : survivors) {
                if (!deadAfter.containsKey(s.id())) {
                    Optional<Document> body = tryJson(s.port(), "/rest/v2/cluster/nodes");
                    long at = System.nanoTime();
                    if (body.isPresent()) {
                        Document d = entry(body.get().getList("nodes", Document.class), "id", victim.id());
                        if (!d.getBoolean("alive")) {
                            deadAfter.put(s.id(), TimeUnit.NANOSECONDS.toMillis(at - killed));
                            ageWhenDead.put(s.id(), number(d, "heartbeatAgeMs"));
                        }
                    }
                }
            }
            if (!deadAfter.containsKey("page") && "dead".equals(rowStates().get(victim.id()))) {
                deadAfter.put("page", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            }
            Thread.sleep(100);
        }
        System.out.printf("kill -9 of %s: dead after %s ms (REST by node, and the page on %s); heartbeat age "
                        + "then %s ms; heartbeat %d ms, dead after %d ms%n", victim.id(), deadAfter,
                nodes.get(2).id(), ageWhenDead, HEARTBEAT_MS, DEAD_AFTER_MS);
        // a killed process may linger as a zombie until it is reaped: gone, or a zombie, within a few seconds
        Appliance.await(Duration.ofSeconds(10), victim.id() + " (pid " + process.pid() + ") gone after SIGKILL",
                () -> !process.isAlive() || isZombie(process.pid()));
        for (Node s : survivors) {
            assertThat(deadAfter).as("%s shows %s dead", s.id(), victim.id()).containsKey(s.id());
            assertThat(deadAfter.get(s.id())).as("ms until %s shows %s dead", s.id(), victim.id())
                    .isLessThanOrEqualTo(DEAD_AFTER_MS + HEARTBEAT_MS + POLL_MARGIN_MS);
            // dead means a heartbeat older than the interval, not a node that vanished or answered wrongly
            assertThat(ageWhenDead.get(s.id())).as("heartbeat age of %s on %s", victim.id(), s.id())
                    .isGreaterThan(DEAD_AFTER_MS);
            // the survivors stay alive
            List<Document> listed = nodesOn(s);
            for (Node other : survivors) {
                assertThat(entry(listed, "id", other.id()).getBoolean("alive")).as("%s on %s", other.id(), s.id())
                        .isTrue();
            }
        }
        assertThat(deadAfter).as("the page on %s shows %s dead", nodes.get(2).id(), victim.id()).containsKey("page");
        assertThat(deadAfter.get("page")).as("ms until the page shows %s dead", victim.id())
                .isLessThanOrEqualTo(DEAD_AFTER_MS + HEARTBEAT_MS + PAGE_REFRESH_MS + POLL_MARGIN_MS);
        assertThat(rowStates()).as("rows on the page").hasSize(3);
        assertThat(browser.evaluate("document.querySelector('tr[data-node-id=\"" + victim.id()
                + "\"] button[data-action=delete]') !== null")).as("Delete on the dead row").isEqualTo(true);

        // its stream stays registered, with its origin dead
        for (Node s : survivors) {
            awaitStream(s, victim, false);
        }
        browser.waitFor("the page shows the origin of " + STREAM + " dead",
                () -> streamRow().equals(List.of(STREAM, victim.id(), "127.0.0.1", "false")), Duration.ofSeconds(10));
    }

    @Test
    @Order(6)
    void theStreamIsAcceptedOnTheSecondOriginOnceTheFirstIsDead() throws Exception {
        Node dead = nodes.get(0);
        Node second = nodes.get(1);
        Ffmpeg.Run publisher = Ffmpeg.publishTestSource(dir, second.appliance().rtmpUrl(STREAM), "320x240",
                PUBLISH_SECONDS, 30);
        publishers.add(publisher);
        long published = System.nanoTime();
        for (Node asked : nodes.subList(1, 3)) {
            Document stream = awaitStream(asked, second, true);
            assertThat(stream.getString("originAddress")).isEqualTo("127.0.0.1");
        }
        System.out.printf("publish on %s: registered as its origin after %d ms%n", second.id(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published));
        assertThat(publisher.process().isAlive()).as("the publisher on %s: %s", second.id(), publisher.output())
                .isTrue();
        assertThat(second.appliance().logText()).as("the second origin's log")
                .contains("stream " + STREAM + ": taken over by this node (" + second.id() + ") from a dead origin");

        // the stream is live there: a player gets it over RTMP
        Path received = dir.resolve("from-second-origin.flv");
        Ffmpeg.Run player = Ffmpeg.start(dir, "-i", second.appliance().rtmpUrl(STREAM), "-t", "2", "-c", "copy",
                "-f", "flv", received.toString());
        assertThat(player.await(30)).as("playing %s from %s: %s", STREAM, second.id(), player.output()).isZero();
        Ffmpeg.Probe probe = Ffmpeg.probe(received);
        System.out.printf("played from %s: %s, %.3f s%n", second.id(), probe.streams(), probe.duration());
        assertThat(probe.stream("video").codec()).isEqualTo("h264");
        assertThat(probe.stream("video").width()).isEqualTo(320);
        assertThat(probe.stream("video").frames()).as("video frames played").isGreaterThan(0);
        assertThat(probe.stream("audio").codec()).isEqualTo("aac");

        browser.waitFor("the page shows " + STREAM + " on " + second.id() + ", alive",
                () -> streamRow().equals(List.of(STREAM, second.id(), "127.0.0.1", "true")), Duration.ofSeconds(10));
        assertThat(rowStates().get(dead.id())).isEqualTo("dead");
    }

    @Test
    @Order(7)
    void aDeadNodeIsDeletedAndLeavesThePage() throws Exception {
        Node dead = nodes.get(0);
        Node alive = nodes.get(1);
        Node asked = nodes.get(2);
        HttpResponse<String> refused = delete(asked.port(), alive.id());
        assertThat(refused.statusCode()).as("DELETE of the live %s: %s", alive.id(), refused.body()).isEqualTo(409);
        assertThat(Document.parse(refused.body()).getString("error")).contains(alive.id());

        HttpResponse<String> deleted = delete(asked.port(), dead.id());
        assertThat(deleted.statusCode()).as("DELETE of the dead %s: %s", dead.id(), deleted.body()).isEqualTo(200);
        Document body = Document.parse(deleted.body());
        assertThat(body.getBoolean("deleted")).isTrue();
        assertThat(body.getString("id")).isEqualTo(dead.id());
        for (Node s : nodes.subList(1, 3)) {
            assertThat(nodesOn(s)).as("nodes on %s", s.id()).extracting(n -> n.getString("id"))
                    .containsExactlyInAnyOrder(alive.id(), asked.id());
        }
        browser.waitFor("the page drops the deleted " + dead.id(), () -> rowStates().size() == 2,
                Duration.ofSeconds(10));
        assertThat(rowStates()).containsOnlyKeys(alive.id(), asked.id()).containsValues("alive");
    }

    // ---- helpers ----

    /** Waits until the node lists the stream with that origin, alive or dead as given; the stream's entry. */
    private static Document awaitStream(Node asked, Node origin, boolean originAlive) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String last = "no answer";
        while (true) {
            Optional<Document> body = tryJson(asked.port(), "/rest/v2/cluster/streams");
            if (body.isPresent()) {
                last = body.get().toJson();
                Optional<Document> stream = body.get().getList("streams", Document.class).stream()
                        .filter(s -> STREAM.equals(s.getString("key"))).findFirst();
                if (stream.isPresent() && origin.id().equals(stream.get().getString("originNode"))
                        && stream.get().getBoolean("originAlive") == originAlive) {
                    return stream.get();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 15 s waiting for " + asked.id() + " to list " + STREAM
                        + " with origin " + origin.id() + " (originAlive " + originAlive + "); last answer: " + last);
            }
            Thread.sleep(100);
        }
    }

    /** The nodes a node lists now. */
    private static List<Document> nodesOn(Node asked) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(get(asked.port(), "/rest/v2/cluster/nodes").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET /rest/v2/cluster/nodes on %s: %s", asked.id(), r.body()).isEqualTo(200);
        return Document.parse(r.body()).getList("nodes", Document.class);
    }

    /** The parsed answer when the node answers 200, else empty (not up yet, joining, registry away). */
    private static Optional<Document> tryJson(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(get(port, path).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(Document.parse(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static HttpResponse<String> delete(int port, String nodeId) throws IOException, InterruptedException {
        return HTTP.send(get(port, "/rest/v2/cluster/nodes/" + nodeId).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder get(int port, String path) {
        return Appliance.asOperator(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)));
    }

    private static Document entry(List<Document> list, String field, String value) {
        return list.stream().filter(d -> value.equals(d.getString(field))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + field + " " + value + " in " + list));
    }

    private static long number(Document d, String field) {
        Object v = d.get(field);
        if (!(v instanceof Number n)) {
            throw new AssertionError(field + " is not a number in " + d.toJson());
        }
        return n.longValue();
    }

    /** The page's node rows: id to data-state, in page order. */
    @SuppressWarnings("unchecked")
    private Map<String, String> rowStates() {
        List<List<String>> rows = (List<List<String>>) browser.evaluate(
                "Array.from(document.querySelectorAll('#nodes tr[data-node-id]'))"
                        + ".map(tr => [tr.dataset.nodeId, tr.dataset.state])");
        Map<String, String> states = new LinkedHashMap<>();
        rows.forEach(r -> states.put(r.get(0), r.get(1)));
        return states;
    }

    /** The page's row for {@link #STREAM}: key, origin node, origin address, data-origin-alive; empty if none. */
    @SuppressWarnings("unchecked")
    private List<String> streamRow() {
        return (List<String>) browser.evaluate("(() => { const tr = document.querySelector("
                + "'#streams tr[data-stream-key=\"" + STREAM + "\"]'); return tr ? [tr.cells[0].textContent, "
                + "tr.cells[1].textContent, tr.cells[2].textContent, tr.dataset.originAlive] : []; })()");
    }

    /** Whether the process has exited and waits to be reaped (state Z in /proc/<pid>/stat). */
    private static boolean isZombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true; // no such process any more
        }
    }

}
