package io.aqueduct.rtmp.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.access.AccessRequest;
import io.aqueduct.api.access.PublishAdmission;
import io.aqueduct.api.stream.HubStatistics;
import io.aqueduct.api.stream.Publication;
import io.aqueduct.api.stream.PublishOptions;
import io.aqueduct.api.stream.StreamAlreadyLiveException;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.api.stream.StreamInfo;
import io.aqueduct.api.stream.StreamKey;
import io.aqueduct.api.stream.Subscription;
import io.aqueduct.api.stream.SubscriptionListener;
import io.aqueduct.api.stream.SubscriptionOptions;
import io.aqueduct.core.internal.hub.DefaultStreamHub;
import io.aqueduct.core.internal.net.NioEventLoops;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A publish held by an asynchronous {@link PublishAdmission} (the cluster registry's origin claim), with the ffmpeg
 * CLI as the publisher: admitted streams go live after the answer, refused ones get the reason as an RTMP error.
 */
class PublishAdmissionTest {
    private DefaultStreamHub hub;
    /** The hub as the server sees it: its publish of live/fails throws, as a hub that failed would. */
    private StreamHub failingHub;
    private RtmpServer server;
    private NioEventLoops loops;
    private int port;
    private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();

    /** Answers after 300 ms on another thread, as a registry round trip would; refuses live/taken. */
    private final PublishAdmission slowRegistry = new PublishAdmission() {
        @Override
        public CompletionStage<String> admitPublish(AccessRequest request) {
            asked.add(request);
            String answer = request.key().name().equals("taken")
                    ? "stream live/taken is live on origin node-b (10.0.0.2); a second origin is refused" : null;
            return CompletableFuture.supplyAsync(() -> answer,
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        }
    };

    @BeforeEach
    void start() throws Exception {
        hub = new DefaultStreamHub();
        failingHub = new StreamHub() {
            @Override
            public Publication publish(StreamKey key, PublishOptions options) throws StreamAlreadyLiveException {
                if (key.name().equals("fails")) {
                    throw new IllegalStateException("the hub failed");
                }
                return hub.publish(key, options);
            }

            @Override
            public Optional<Subscription> subscribe(StreamKey key, SubscriptionOptions options,
                    SubscriptionListener listener) {
                return hub.subscribe(key, options, listener);
            }

            @Override
            public Optional<StreamInfo> stream(StreamKey key) {
                return hub.stream(key);
            }

            @Override
            public List<StreamInfo> streams() {
                return hub.streams();
            }

            @Override
            public HubStatistics statistics() {
                return hub.statistics();
            }
        };
        loops = new NioEventLoops(2);
        server = new RtmpServer(failingHub, loops);
        port = freePort();
        server.activate(Map.of("host", "127.0.0.1", "port", port));
        server.addAdmission(slowRegistry);
    }

    @AfterEach
    void stop() {
        server.deactivate();
        assertThat(loops.group().isShuttingDown()).as("the server leaves the node's shared event loops running")
                .isFalse();
        hub.stop();
        loops.close();
    }

    @Test
    void anAdmittedPublishGoesLiveAfterTheAnswer() throws Exception {
        Process ffmpeg = publish("live/free", 4);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (hub.stream(StreamKey.parse("live/free")).map(s -> s.packetsIn() < 10).orElse(true)) {
                assertThat(System.nanoTime()).as("live/free has packets in the hub").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(asked).extracting(r -> r.key().toString()).containsExactly("live/free");
            assertThat(asked.get(0).protocol()).isEqualTo("rtmp");
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRefusedPublishTellsThePublisherWhy() throws Exception {
        Process ffmpeg = publish("live/taken", 4);
        assertThat(ffmpeg.waitFor(20, TimeUnit.SECONDS)).as("ffmpeg gives up").isTrue();
        String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ffmpeg.exitValue()).as(output).isNotZero();
        assertThat(output).contains("Server error: publishing live/taken is not allowed: stream live/taken is live on origin node-b");
        assertThat(hub.stream(StreamKey.parse("live/taken"))).isEmpty();
        assertThat(hub.statistics().streamsStarted()).isZero();
    }

    @Test
    void anAdmissionThatThrowsRefusesAndTheServerGoesOn() throws Exception {
        server.removeAdmission(slowRegistry);
        PublishAdmission broken = request -> {
            throw new IllegalStateException("registry client not ready");
        };
        server.addAdmission(broken);
        Process ffmpeg = publish("live/any", 2);
        assertThat(ffmpeg.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("could not be checked").contains("registry client not ready");
        server.removeAdmission(broken);
        publishAndAwaitLive("live/any", "live/any goes live without the admission");
    }

    @Test
    void aPublishTheHubFailsAfterTheAdmissionTellsThePublisherAndTheServerGoesOn() throws Exception {
        Process ffmpeg = publish("live/fails", 4);
        assertThat(ffmpeg.waitFor(20, TimeUnit.SECONDS)).as("ffmpeg gives up").isTrue();
        String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ffmpeg.exitValue()).as(output).isNotZero();
        assertThat(output).contains("Server error: publishing live/fails failed")
                .contains("the hub failed").contains("try again");
        assertThat(asked).extracting(r -> r.key().toString()).containsExactly("live/fails");
        assertThat(hub.streams()).isEmpty();

        publishAndAwaitLive("live/free", "the next publish goes live");
    }

    /** Publishes {@code key} with ffmpeg until it is in the hub (10 s at most), then stops the publisher. */
    private void publishAndAwaitLive(String key, String expectation) throws Exception {
        Process ffmpeg = publish(key, 4);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (hub.stream(StreamKey.parse(key)).isEmpty()) {
                assertThat(System.nanoTime()).as(expectation).isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Process publish(String key, int seconds) throws Exception {
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "info", "-re", "-f", "lavfi",
                "-i", "testsrc=size=160x120:rate=15", "-t", Integer.toString(seconds), "-c:v", "libx264",
                "-preset", "ultrafast", "-g", "15", "-pix_fmt", "yuv420p", "-f", "flv",
                "rtmp://127.0.0.1:" + port + "/" + key)
                .redirectErrorStream(true).start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
