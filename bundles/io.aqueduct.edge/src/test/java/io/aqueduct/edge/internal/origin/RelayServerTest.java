package io.aqueduct.edge.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.core.internal.net.NioEventLoops;
import io.aqueduct.edge.internal.edge.RelayClient;
import io.aqueduct.edge.internal.edge.RelayRefusedException;
import io.aqueduct.edge.internal.testing.Poll;
import io.aqueduct.edge.internal.testing.RawPeer;
import io.aqueduct.edge.internal.token.RelayToken;
import io.aqueduct.edge.internal.wire.RelayFrame;
import io.aqueduct.testing.LogCapture;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The origin's relay server on loopback: who gets in, who is refused and why, timeouts, statistics. */
class RelayServerTest {
    private static final byte[] SECRET = "the cluster secret for tests".getBytes(StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Short timers, so the timeout tests take about a second. */
    private static final RelayServer.Timing QUICK = new RelayServer.Timing(Duration.ofMillis(300),
            Duration.ofMillis(100), Duration.ofMillis(600), Duration.ofMillis(5));

    /** The node's event loops, shared by the servers and the test's clients. */
    private static NioEventLoops loops;
    private DefaultStreamHub hub;
    private RelayServer server;
    private int port;

    @BeforeAll
    static void startLoops() {
        loops = new NioEventLoops(2);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    @BeforeEach
    void startServer() {
        hub = new DefaultStreamHub();
        server = start(RelayServer.Timing.DEFAULTS);
    }

    private RelayServer start(RelayServer.Timing timing) {
        RelayServer s = new RelayServer(hub, loops, () -> SECRET, "origin-1", Clock.systemUTC(), timing);
        assertThat(s.bind("127.0.0.1", 0)).isTrue();
        port = s.localAddress().getPort();
        return s;
    }

    @AfterEach
    void stopServer() {
        server.close();
        assertThat(loops.group().isShuttingDown()).as("closing a server leaves the shared event loops running")
                .isFalse();
        hub.stop();
    }

    @Test
    void anEdgeWithAValidTokenIsWelcomedAndCounted() throws Exception {
        RelayClient client = connect("edge-1", RelayToken.issue(SECRET, "edge-1", Instant.now())).get(5,
                TimeUnit.SECONDS);
        try {
            assertThat(client.originId()).isEqualTo("origin-1");
            assertThat(server.problem()).isNull();
            RelayStatistics stats = server.statistics();
            assertThat(stats.connectionsOpen()).isEqualTo(1);
            assertThat(stats.connectionsTotal()).isEqualTo(1);
            assertThat(stats.refused()).isZero();
            RelayStatistics.Connection c = stats.connections().get(0);
            assertThat(c.edgeId()).isEqualTo("edge-1");
            assertThat(c.remote().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(c.streams()).isEmpty();
        } finally {
            client.close();
        }
        assertThat(Poll.until(WAIT, () -> server.statistics().connectionsOpen() == 0)).isTrue();
        assertThat(server.statistics().connectionsTotal()).isEqualTo(1);
    }

    @Test
    void aTokenFromAnotherSecretIsRefusedClosedAndLoggedOnce() throws Exception {
        byte[] other = "somebody else's cluster secret".getBytes(StandardCharsets.UTF_8);
        assertRefused("edge-1", RelayToken.issue(other, "edge-1", Instant.now()), "bad signature");
    }

    @Test
    void aForgedTokenIsRefused() throws Exception {
        // edge-2 presents edge-1's token with its own id spliced in
        String[] parts = RelayToken.issue(SECRET, "edge-1", Instant.now()).split("\\.");
        parts[1] = Base64.getUrlEncoder().withoutPadding().encodeToString("edge-2".getBytes(StandardCharsets.UTF_8));
        assertRefused("edge-2", String.join(".", parts), "bad signature");
    }

    @Test
    void aTokenOfAnotherEdgeAnExpiredOneAndGarbageAreRefused() throws Exception {
        assertRefused("edge-2", RelayToken.issue(SECRET, "edge-1", Instant.now()), "issued for edge edge-1");
        assertRefused("edge-1", RelayToken.issue(SECRET, "edge-1", Instant.now().minus(Duration.ofMinutes(6))),
                "expired");
        assertRefused("edge-1", "not a token", "malformed");
        assertThat(server.statistics().refused()).isEqualTo(3);
    }

    private void assertRefused(String edgeId, String token, String reason) throws Exception {
        try (LogCapture log = new LogCapture()) {
            CompletableFuture<RelayClient> connecting = connect(edgeId, token);
            assertThatThrownBy(() -> connecting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RelayRefusedException.class).hasMessageContaining(reason);
            RelayRefusedException refused = (RelayRefusedException) connecting.handle((c, e) -> e).get();
            assertThat(refused.reason()).isEqualTo(reason);
            Pattern line = Pattern.compile("WARN [^\\n]*relay connection from /127\\.0\\.0\\.1:(\\d+) refused: "
                    + Pattern.quote(reason) + "\\n");
            assertThat(Poll.until(WAIT, () -> line.matcher(log.text()).find())).as(log.text()).isTrue();
            Matcher m = line.matcher(log.text());
            int lines = 0;
            while (m.find()) {
                lines++;
            }
            assertThat(lines).as("one WARN line per refusal").isEqualTo(1);
        }
        assertThat(server.statistics().connectionsOpen()).isZero();
    }

    @Test
    void aRefusedConnectionIsClosedByTheOrigin() throws Exception {
        try (RawPeer edge = RawPeer.edge("127.0.0.1", port)) {
            edge.send(new RelayFrame.Hello(1, "edge-1", "v1.ZQ.1.c2ln"));
            assertThat(edge.read()).isEqualTo(new RelayFrame.Refused("bad signature"));
            assertThat(edge.bytesUntilClosed()).isZero();
        }
    }

    @Test
    void aConnectionWithoutHelloIsClosedAfterTheHelloTimeout() throws Exception {
        server.close();
        server = start(QUICK);
        try (RawPeer edge = RawPeer.edge("127.0.0.1", port)) {
            long start = System.nanoTime();
            assertThat(edge.bytesUntilClosed()).as("closed without a word").isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250),
                    Duration.ofSeconds(3));
        }
    }

    @Test
    void anythingButHelloFirstIsRefused() throws Exception {
        try (RawPeer edge = RawPeer.edge("127.0.0.1", port)) {
            edge.send(new RelayFrame.Subscribe(1, StreamKey.of("live", "cam1")));
            assertThat(edge.read()).isEqualTo(new RelayFrame.Refused("expected HELLO first, got SUBSCRIBE"));
            assertThat(edge.bytesUntilClosed()).isZero();
        }
    }

    @Test
    void anotherProtocolVersionIsRefusedNamingOurs() throws Exception {
        try (RawPeer edge = RawPeer.edge("127.0.0.1", port)) {
            edge.send(new RelayFrame.Hello(3, "edge-1", RelayToken.issue(SECRET, "edge-1", Instant.now())));
            assertThat(edge.read()).isEqualTo(new RelayFrame.Refused(
                    "protocol version 3 is not supported; this origin speaks 1 to 2"));
            assertThat(edge.bytesUntilClosed()).isZero();
        }
    }

    @Test
    void garbageIsRefusedWithWhatWasWrongAndTheServerGoesOn() throws Exception {
        try (LogCapture log = new LogCapture(); RawPeer edge = RawPeer.edge("127.0.0.1", port)) {
            edge.sendBytes("GET / HTTP/1.1\r\nHost: origin\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(edge.read()).isEqualTo(new RelayFrame.Refused(
                    "malformed frame: frame length 1195725856 is not within 1..4096"));
            assertThat(edge.bytesUntilClosed()).isZero();
            assertThat(log.text()).contains("refused: malformed frame: frame length 1195725856");
        }
        try (RawPeer edge = RawPeer.edge("127.0.0.1", port)) {
            edge.send(new RelayFrame.Hello(1, "edge-1", RelayToken.issue(SECRET, "edge-1", Instant.now())));
            edge.send(new RelayFrame.Unsubscribe(1));
            edge.sendBytes(new byte[] {0, 0, 0, 5, 0x03, 0, 0, 0, 0}); // UNSUBSCRIBE of stream 0
            assertThat(edge.read()).isEqualTo(new RelayFrame.Welcome(1, "origin-1"));
            RelayFrame next = edge.read();
            while (next instanceof RelayFrame.Ping) {
                next = edge.read();
            }
            assertThat(next).isEqualTo(new RelayFrame.Refused(
                    "malformed frame: bad UNSUBSCRIBE frame: stream id 0 is not within 1..2147483647"));
            assertThat(edge.closedByPeer()).isTrue();
        }
        RelayClient client = connect("edge-1", RelayToken.issue(SECRET, "edge-1", Instant.now())).get(5,
                TimeUnit.SECONDS);
        assertThat(client.isOpen()).as("other connections are not affected").isTrue();
        client.close();
    }

    /**
     * Version 2 adds what a stream is a rendition of to STREAM; a version 1 edge is welcomed as one and never sees
     * the field, which its decoder would refuse.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aRenditionIsSaidToBeOneToAVersion2EdgeOnly(int version) throws Exception {
        StreamKey source = StreamKey.of("live", "cam");
        StreamKey rendition = StreamKey.of("live", "cam_240p");
        try (Publication p = hub.publish(rendition, PublishOptions.DEFAULTS.withRenditionOf(source));
                RawPeer edge = RawPeer.edge("127.0.0.1", port)) {
            edge.send(new RelayFrame.Hello(version, "edge-1", RelayToken.issue(SECRET, "edge-1", Instant.now())));
            assertThat(edge.read()).isEqualTo(new RelayFrame.Welcome(version, "origin-1"));
            edge.send(new RelayFrame.Subscribe(1, rendition));
            RelayFrame stream = edge.read();
            while (stream instanceof RelayFrame.Ping) {
                stream = edge.read();
            }
            assertThat(stream).isEqualTo(new RelayFrame.Stream(1, 1, rendition, 0, version == 2 ? source : null));
        }
    }

    @Test
    void theOriginPingsAndClosesAnEdgeThatNeverAnswers() throws Exception {
        server.close();
        server = start(QUICK);
        try (RawPeer edge = RawPeer.edge("127.0.0.1", port)) {
            edge.send(new RelayFrame.Hello(1, "edge-1", RelayToken.issue(SECRET, "edge-1", Instant.now())));
            assertThat(edge.read()).isEqualTo(new RelayFrame.Welcome(1, "origin-1"));
            long start = System.nanoTime();
            int pings = 0;
            try {
                while (true) {
                    assertThat(edge.read()).isEqualTo(RelayFrame.Ping.INSTANCE);
                    pings++;
                }
            } catch (java.io.EOFException closed) {
                // expected
            }
            assertThat(pings).as("a PING every 100 ms until 600 ms of silence").isBetween(4, 8);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(550),
                    Duration.ofSeconds(2));
        }
    }

    @Test
    void anEdgeThatAnswersPingsStaysConnected() throws Exception {
        server.close();
        server = start(QUICK);
        RelayClient client = connect("edge-1", RelayToken.issue(SECRET, "edge-1", Instant.now())).get(5,
                TimeUnit.SECONDS);
        try {
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < until) {
                assertThat(client.isOpen()).isTrue();
                assertThat(server.statistics().connectionsOpen()).isEqualTo(1);
                Thread.sleep(50);
            }
        } finally {
            client.close();
        }
    }

    @Test
    void problemSaysWhyTheServerCannotWork() throws Exception {
        RelayServer idle = new RelayServer(hub, loops, () -> SECRET, "origin-2");
        try {
            assertThat(idle.problem()).isEqualTo("not listening");
            try (ServerSocket taken = new ServerSocket()) {
                taken.bind(new InetSocketAddress("127.0.0.1", 0));
                assertThat(idle.bind("127.0.0.1", taken.getLocalPort())).isFalse();
                assertThat(idle.problem()).startsWith("cannot listen on 127.0.0.1 port " + taken.getLocalPort() + ": ");
            }
        } finally {
            idle.close();
        }
        assertThat(idle.problem()).isEqualTo("closed");
        RelayServer noSecret = new RelayServer(hub, loops, () -> new byte[4], "origin-3");
        try {
            assertThat(noSecret.bind("127.0.0.1", 0)).isTrue();
            assertThat(noSecret.problem()).isEqualTo("no cluster secret of at least 16 bytes: every edge is refused");
        } finally {
            noSecret.close();
        }
        assertThatThrownBy(() -> new RelayServer(hub, loops, () -> SECRET, "")).hasMessageContaining("node id");
    }

    private CompletableFuture<RelayClient> connect(String edgeId, String token) {
        return RelayClient.connect(loops, "127.0.0.1", port, edgeId, token, (c, reason) -> { });
    }
}
