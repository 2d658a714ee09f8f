package io.aqueduct.rtmp.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.core.internal.net.NioEventLoops;
import io.aqueduct.rtmp.internal.amf0.Amf0Writer;
import io.aqueduct.rtmp.internal.chunk.RtmpConstants;
import io.aqueduct.testing.LogCapture;
import io.aqueduct.testing.RawRtmp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a client puts into connect and publish reaches the log escaped and cut: a stream name with a line break
 * cannot write a line of its own, a 7 MB application name costs a few hundred bytes. A raw client over a real socket
 * and the real server; the log is slf4j-simple's output.
 */
class ClientValuesInTheLogTest {
    private DefaultStreamHub hub;
    private NioEventLoops loops;
    private RtmpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        hub = new DefaultStreamHub();
        loops = new NioEventLoops(1);
        server = new RtmpServer(hub, loops);
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        server.activate(Map.of("host", "127.0.0.1", "port", port));
    }

    @AfterEach
    void stop() {
        server.deactivate();
        hub.stop();
        loops.close();
    }

    @Test
    void aLineBreakInAStreamNameIsEscapedInOneLine() throws Exception {
        try (LogCapture log = new LogCapture()) {
            publish("live", "cam\nINFO forged - RTMP /10.0.0.1:1 publishes live/cam\r\u2028x");
            List<String> lines = awaitRefusal(log);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("refused: stream name 'cam\\nINFO forged - RTMP /10.0.0.1:1 publishes"
                    + " live/cam\\r\\u2028x' is not valid");
            assertThat(log.text().lines()).noneMatch(l -> l.startsWith("INFO forged"));
            assertThat(log.text()).doesNotContain("\r").doesNotContain("\u2028");
        }
    }

    @Test
    void aHugeApplicationNameIsCutToASaneLength() throws Exception {
        String app = "a".repeat(7 * 1000 * 1000);
        try (LogCapture log = new LogCapture()) {
            publish(app, "cam");
            List<String> lines = awaitRefusal(log);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("refused: application '" + "a".repeat(256) + "...("
                    + (app.length() - 256) + " more characters)' is not valid");
            assertThat(log.text().length()).as("what the refusal added to the log").isLessThan(2_000);
        }
    }

    /** The plain handshake, connect(app), then publish(name) on stream 1, in one chunk each. */
    private void publish(String app, String name) throws IOException {
        try (Socket s = RawRtmp.connect(port)) {
            OutputStream out = s.getOutputStream();
            out.write(RawRtmp.chunk(2, RtmpConstants.TYPE_SET_CHUNK_SIZE, 0, bytes(Unpooled.buffer().writeInt(8 << 20))));
            ByteBuf connect = Unpooled.buffer();
            Amf0Writer.writeAll(connect, "connect", 1.0, Map.of("app", app, "tcUrl", "rtmp://127.0.0.1/live"));
            out.write(RawRtmp.chunk(3, RtmpConstants.TYPE_COMMAND_AMF0, 0, bytes(connect)));
            ByteBuf publish = Unpooled.buffer();
            Amf0Writer.writeAll(publish, "publish", 2.0, null, name, "live");
            out.write(RawRtmp.chunk(3, RtmpConstants.TYPE_COMMAND_AMF0, 1, bytes(publish)));
            out.flush();
            RawRtmp.readUntilClosed(s.getInputStream());
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** The session's lines once the refusal is logged. */
    private static List<String> awaitRefusal(LogCapture log) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!log.text().contains(" refused: ")) {
            assertThat(System.nanoTime()).as("the refusal is logged: " + log.text()).isLessThan(deadline);
            Thread.sleep(20);
        }
        return log.text().lines().filter(l -> l.contains("RtmpSession")).toList();
    }
}
