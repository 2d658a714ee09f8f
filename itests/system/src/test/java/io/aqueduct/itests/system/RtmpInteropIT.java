package io.aqueduct.itests.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.testing.RawRtmp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * RTMP against clients nobody here wrote: the ffmpeg CLI publishes (lavfi test source, libx264 + AAC, in real
 * time) to the built appliance and plays back with {@code -c copy}; ffprobe checks what arrived. Malformed
 * connections are closed, each with a logged reason, while a live stream beside them keeps flowing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RtmpInteropIT {
    private static final int SECONDS = 8;
    private static final int FPS = 30;
    /** A GOP longer than the stream: a player that joins late still gets it from its first keyframe. */
    private static final int LONG_GOP = SECONDS * FPS + 60;

    private Appliance node;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        node = Appliance.copyDistribution(Appliance.freePort());
        // the session logs which handshake each client completed at debug level
        node.addSystemProperties("org.slf4j.simpleLogger.log.io.aqueduct.rtmp.internal.server.RtmpSession=debug");
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        assertEquals(0, r.exitCode(), "bin/aqueduct start: " + r.output() + "\nlog:\n" + node.logText());
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void ffmpegPublishesAndPlaysBackWhatWasSent() throws Exception {
        Ffmpeg.Run publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl("live/interop"), "1280x720", SECONDS, LONG_GOP);
        awaitLog("the publish is live", "publishes live/interop");
        Path received = dir.resolve("received.flv");
        Ffmpeg.Run player = Ffmpeg.start(dir, "-i", node.rtmpUrl("live/interop"), "-c", "copy", "-f", "flv",
                received.toString());

        assertEquals(0, publisher.await(60), "publisher: " + publisher.output());
        assertEquals(0, player.await(30), "the player ends when the publisher leaves: " + player.output());

        Ffmpeg.Probe probe = Ffmpeg.probe(received);
        Ffmpeg.Stream video = probe.stream("video");
        Ffmpeg.Stream audio = probe.stream("audio");
        assertEquals("h264", video.codec());
        assertEquals(1280, video.width());
        assertEquals(720, video.height());
        assertEquals("aac", audio.codec());
        assertEquals(Ffmpeg.TITLE, probe.tags().get("title"), "the publisher's onMetaData reaches the player");
        assertWithin5Percent(SECONDS, probe.duration(), "duration (s)");
        assertWithin5Percent(SECONDS * FPS, video.frames(), "video frames");
        assertWithin5Percent(SECONDS * 44100 / 1024.0, audio.frames(), "audio frames");
    }

    @Test
    void gstreamerPublishesAndRtmpdumpAndRtmp2srcPlay() throws Exception {
        String url = node.rtmpUrl("live/gst");
        // rtmp2sink, x264 and AAC in FLV, 8 s of a live test picture and tone
        Process publisher = start("gst-publisher", "gst-launch-1.0", "-q", "-e",
                "videotestsrc", "num-buffers=" + SECONDS * FPS, "is-live=true",
                "!", "video/x-raw,width=640,height=360,framerate=30/1",
                "!", "x264enc", "tune=zerolatency", "key-int-max=" + LONG_GOP, "bitrate=1000",
                "!", "h264parse", "!", "queue", "!", "mux.",
                "audiotestsrc", "is-live=true", "num-buffers=" + (SECONDS * 44100 / 1024),
                "!", "audioconvert", "!", "voaacenc", "!", "aacparse", "!", "queue", "!", "mux.",
                "flvmux", "name=mux", "streamable=true", "!", "rtmp2sink", "location=" + url);
        awaitLog("the GStreamer publish is live", "publishes live/gst");
        Path dumped = dir.resolve("rtmpdump.flv");
        Path gst = dir.resolve("rtmp2src.flv");
        // with a SWF hash and size librtmp uses the digest ("FP9") handshake; no SWF is fetched
        Process rtmpdump = start("rtmpdump", "rtmpdump", "-q", "--live", "-r", url, "-o", dumped.toString(),
                "--swfhash", "5d3f9e8c2b1a0f4e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6", "--swfsize", "123456");
        Process rtmp2src = start("rtmp2src", "gst-launch-1.0", "-q", "rtmp2src", "location=" + url,
                "!", "filesink", "location=" + gst);

        assertExits0(publisher, "gst-publisher");
        assertExits0(rtmpdump, "rtmpdump");
        assertExits0(rtmp2src, "rtmp2src");
        for (Path received : new Path[] {dumped, gst}) {
            Ffmpeg.Probe probe = Ffmpeg.probe(received);
            assertEquals("h264", probe.stream("video").codec(), received.toString());
            assertEquals(640, probe.stream("video").width());
            assertEquals("aac", probe.stream("audio").codec());
            assertWithin5Percent(SECONDS * FPS, probe.stream("video").frames(), received + " video frames");
            assertWithin5Percent(SECONDS, probe.duration(), received + " duration");
        }
        assertTrue(node.logText().contains("completed the digest handshake"), "librtmp's digest handshake");
        assertTrue(node.logText().contains("completed the plain handshake"), "GStreamer's plain handshake");
    }

    private Process start(String name, String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private void assertExits0(Process p, String name) throws Exception {
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " still running after 60 s");
        }
        assertEquals(0, p.exitValue(), name + ": " + Files.readString(dir.resolve(name + ".log")));
    }

    @Test
    void aSecondPublisherOfALiveKeyIsRefusedWithBadName() throws Exception {
        Ffmpeg.Run first = Ffmpeg.publishTestSource(dir, node.rtmpUrl("live/taken"), "320x240", 6, 60);
        awaitLog("the first publish is live", "publishes live/taken");
        Ffmpeg.Run second = Ffmpeg.publishTestSource(dir, node.rtmpUrl("live/taken"), "320x240", 2, 60);
        assertNotEquals(0, second.await(30), "the second publisher must fail");
        assertTrue(second.output().contains("live/taken is already being published"), second.output());
        assertTrue(node.logText().contains("(NetStream.Publish.BadName)"));
        assertEquals(0, first.await(30), "the first publisher is undisturbed: " + first.output());
    }

    @Test
    void playingAStreamThatIsNotLiveFailsWithAReason() throws Exception {
        Ffmpeg.Run player = Ffmpeg.start(dir, "-i", node.rtmpUrl("live/nobody"), "-f", "null", "-");
        assertNotEquals(0, player.await(30));
        assertTrue(player.output().contains("no stream live/nobody is being published"), player.output());
    }

    @Test
    void malformedConnectionsAreClosedWhileALiveStreamKeepsFlowing() throws Exception {
        Socket idle = new Socket("127.0.0.1", node.rtmpPort()); // connects and never says anything
        Ffmpeg.Run publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl("live/steady"), "640x360", SECONDS, LONG_GOP);
        awaitLog("the publish is live", "publishes live/steady");
        Path received = dir.resolve("steady.flv");
        Ffmpeg.Run player = Ffmpeg.start(dir, "-i", node.rtmpUrl("live/steady"), "-c", "copy", "-f", "flv",
                received.toString());
        awaitLog("the player is playing", "plays live/steady");

        Random random = new Random(20261124);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        noise[0] = 0x55; // not RTMP version 3
        assertClosed("random bytes", false, noise, "RTMP version");
        // Set Chunk Size 0x7fffffff on chunk stream 2
        assertClosed("an absurd chunk size", true, hex("02 000000 000004 01 00000000 7fffffff"), "Set Chunk Size");
        // a command message announcing 16 MiB, over the 8 MiB limit
        assertClosed("a message over the length limit", true, hex("03 000000 ffffff 14 00000000"), "bytes (type 20");
        assertClosed("a chunk stream id flood", true, chunkStreamFlood(), "chunk streams");
        // a command whose AMF0 string says 16 bytes and has 3
        assertClosed("a truncated AMF value", true, hex("03 000000 000006 14 00000000 0200 10 636f6e"), "bad command");

        assertEquals(0, publisher.await(60), "publisher: " + publisher.output());
        assertEquals(0, player.await(30), "player: " + player.output());
        Ffmpeg.Probe probe = Ffmpeg.probe(received);
        assertWithin5Percent(SECONDS * FPS, probe.stream("video").frames(), "video frames of the stream beside them");

        awaitLog("the silent connection is closed", "closed: no publish or play within 15 s");
        idle.setSoTimeout(5_000);
        try (idle) {
            assertEquals(-1, idle.getInputStream().read(), "the server closed the silent connection");
        } catch (IOException reset) {
            // closed with a reset: fine
        }
    }

    /** 100 chunk streams each left inside a message: more than a connection may hold open. */
    private static byte[] chunkStreamFlood() {
        StringBuilder s = new StringBuilder();
        for (int csid = 4; csid < 60; csid++) {
            s.append(String.format("%02x 000000 000400 09 01000000 ", csid)).append("00".repeat(128)).append(' ');
        }
        for (int csid = 64; csid < 108; csid++) { // two-byte basic header: 0, then csid - 64
            s.append(String.format("00 %02x 000000 000400 09 01000000 ", csid - 64)).append("00".repeat(128)).append(' ');
        }
        return hex(s.toString());
    }

    /** Sends bytes (after a plain handshake if asked) and expects the server to close, logging the reason. */
    private void assertClosed(String what, boolean handshake, byte[] bytes, String reasonInLog) throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.rtmpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            if (handshake) {
                RawRtmp.handshake(s);
            }
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException reset) {
                // the server may close before everything is written
            }
            try {
                while (in.read() >= 0) {
                    // drain whatever the server sent before closing
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(what + ": the server kept the connection open");
            } catch (IOException reset) {
                // closed with a reset: fine
            }
        }
        awaitLog(what + " is logged with its reason", "closed: ", reasonInLog);
    }

    private void awaitLog(String what, String... fragments) throws Exception {
        await(what, () -> {
            try {
                return node.logText().lines().anyMatch(l -> {
                    for (String f : fragments) {
                        if (!l.contains(f)) {
                            return false;
                        }
                    }
                    return true;
                });
            } catch (IOException e) {
                return false;
            }
        });
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; log:\n" + node.logText());
            }
            Thread.sleep(50);
        }
    }

    private static void assertWithin5Percent(double expected, double actual, String what) {
        assertTrue(Math.abs(actual - expected) <= expected * 0.05,
                what + ": expected " + expected + " within 5 %, got " + actual);
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
    }
}
