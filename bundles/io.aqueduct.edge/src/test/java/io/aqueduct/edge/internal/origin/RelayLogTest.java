package io.aqueduct.edge.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.core.internal.net.NioEventLoops;
import io.aqueduct.edge.internal.edge.RelayClient;
import io.aqueduct.edge.internal.testing.Poll;
import io.aqueduct.edge.internal.token.RelayToken;
import io.aqueduct.testing.LogCapture;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The origin's log against its relay clients: an edge id with a line break stays on its line, and a flood of
 * connections that never say HELLO costs 50 lines and a summary (the mechanism RTMP uses too).
 */
class RelayLogTest {
    private static final byte[] SECRET = "the cluster secret for tests".getBytes(StandardCharsets.UTF_8);
    /** HELLO within 200 ms, so the flood is closed at once. */
    private static final RelayServer.Timing QUICK = new RelayServer.Timing(Duration.ofMillis(200),
            Duration.ofMillis(100), Duration.ofMillis(600), Duration.ofMillis(5));

    private NioEventLoops loops;
    private DefaultStreamHub hub;
    private RelayServer server;

    @BeforeEach
    void start() {
        loops = new NioEventLoops(1);
        hub = new DefaultStreamHub();
        server = new RelayServer(hub, loops, () -> SECRET, "origin-1", Clock.systemUTC(), QUICK);
        assertThat(server.bind("127.0.0.1", 0)).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        hub.stop();
        loops.close();
    }

    @Test
    void anEdgeIdWithALineBreakIsEscaped() throws Exception {
        String edgeId = "edge-1\nWARN forged - relay connection from /10.6.6.6:1 refused: bad signature";
        try (LogCapture log = new LogCapture()) {
            RelayClient client = RelayClient.connect(loops, "127.0.0.1", server.localAddress().getPort(), edgeId,
                    RelayToken.issue(SECRET, edgeId, Instant.now()), (c, reason) -> { }).get(5, TimeUnit.SECONDS);
            client.close();
            assertThat(Poll.until(Duration.ofSeconds(5), () -> log.text().contains("closed after"))).isTrue();
            assertThat(log.text()).contains(": edge edge-1\\nWARN forged - relay connection from /10.6.6.6:1");
            assertThat(log.text().lines()).noneMatch(l -> l.startsWith("WARN forged"));
        }
    }

    @Test
    void aFloodOfSilentConnectionsIsSummedUp() throws Exception {
        int flood = 200;
        try (LogCapture log = new LogCapture()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < flood; i++) {
                    sockets.add(new Socket("127.0.0.1", server.localAddress().getPort()));
                }
                // the window of 10 s ends, and its summary is written by the timer, with no further line
                assertThat(Poll.until(Duration.ofSeconds(20), () -> log.text().contains("more relay connection")))
                        .as(log.text()).isTrue();
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            long shown = log.text().lines().filter(l -> l.contains("closed: no HELLO within 200 ms")).count();
            assertThat(shown).isEqualTo(50);
            assertThat(log.text()).contains("... and " + (flood - 50) + " more relay connection events in the last");
        }
    }
}
