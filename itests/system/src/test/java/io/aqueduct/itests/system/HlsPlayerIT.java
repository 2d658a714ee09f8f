package io.aqueduct.itests.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance's player page in headless Chromium: ffmpeg publishes a test picture and tone over RTMP, the page
 * plays the stream with hls.js (LL-HLS, then classic HLS) and shows a latency measured from the playlists'
 * EXT-X-PROGRAM-DATE-TIME. Also what the page says for a stream that is not live and for a bad stream name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HlsPlayerIT {
    private static final String STREAM = "live/player";
    /** Longer than the whole class takes; the publisher is stopped in {@link #stop()}. */
    private static final int PUBLISH_SECONDS = 180;
    /** A keyframe every 2 s at 30 fps: the segment length the HLS side cuts at. */
    private static final int GOP = 60;
    private static final Duration START = Duration.ofSeconds(30);
    /** The parent pom's hlsjs.version, which the build fetched and put into the bundle (failsafe sets it). */
    private static final String HLSJS_VERSION = System.getProperty("hlsjs.version", "(hlsjs.version not set)");

    /** static: JUnit fills instance @TempDir fields only after @BeforeAll, where the publisher starts */
    @TempDir
    static Path dir;

    private Appliance node;
    private int port;
    private Ffmpeg.Run publisher;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        port = Appliance.freePort();
        node = Appliance.copyDistribution(port);
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        assertEquals(0, r.exitCode(), "bin/aqueduct start: " + r.output() + "\nlog:\n" + node.logText());
        publisher = Ffmpeg.publishTestSource(dir, node.rtmpUrl(STREAM), "640x360", PUBLISH_SECONDS, GOP);
        Appliance.await(Duration.ofSeconds(20), "the publish is live",
                () -> Appliance.unchecked(node::logText).contains("publishes " + STREAM));
        browser = Browser.start();
    }

    @AfterAll
    void stop() throws Exception {
        try (Appliance n = node; Browser b = browser) {
            if (publisher != null) {
                publisher.process().destroy();
            }
        }
    }

    @Test
    void lowLatencyHlsPlaysWithALatencyUnder10Seconds() throws Exception {
        playsWithALatencyUnder10Seconds("", "LL-HLS");
    }

    @Test
    void classicHlsPlaysWithALatencyUnder10Seconds() throws Exception {
        playsWithALatencyUnder10Seconds("&ll=0", "classic HLS");
    }

    private void playsWithALatencyUnder10Seconds(String query, String what) throws Exception {
        open("stream=" + STREAM + query);
        browser.waitFor(what + " starts playing", () -> currentTime() > 0, START);

        // two readings at least a second apart: the picture moves, not just the first frame
        double first = currentTime();
        Instant firstAt = Instant.now();
        double[] second = new double[1];
        browser.waitFor(what + ": currentTime advances past " + first, () -> {
            second[0] = currentTime();
            return Duration.between(firstAt, Instant.now()).toMillis() >= 1000 && second[0] > first;
        }, Duration.ofSeconds(10));
        System.out.printf("%s: currentTime %.3f -> %.3f over %d ms%n", what, first, second[0],
                Duration.between(firstAt, Instant.now()).toMillis());

        assertEquals(List.of(), fatalErrors(), what + ": fatal hls.js errors; all errors: "
                + browser.evaluate("JSON.stringify(window.aqueduct.errors)") + "\nconsole:\n" + browser.consoleLog());
        assertEquals("playing", browser.text("status"), browser.consoleLog());
        assertEquals("640×360", browser.text("resolution"));
        assertEquals(HLSJS_VERSION, browser.text("hls-version"), "the hls.js the build pinned (parent pom)");

        browser.waitFor(what + ": #latency shows a number", () -> browser.text("latency").matches("\\d+\\.\\d+"),
                Duration.ofSeconds(10));
        double latency = Double.parseDouble(browser.text("latency"));
        System.out.printf("%s: latency %.2f s (hls.js estimate %s s)%n", what, latency, browser.text("hls-latency"));
        assertTrue(latency > 0 && latency < 10, what + ": latency " + latency + " s");
    }

    @Test
    void aStreamThatIsNotLiveIsAwaited() throws Exception {
        open("stream=live/nobody");
        browser.waitFor("the page says the stream is not live yet",
                () -> "stream not live yet".equals(browser.text("message")), Duration.ofSeconds(10));
        assertEquals("loading", browser.text("status"));
        assertEquals(List.of(), fatalErrors(), "a 404 playlist is a wait, not an error");
    }

    @Test
    void aBadStreamNameIsExplainedAndNothingIsLoaded() throws Exception {
        for (String bad : new String[] {"", "live", "live/a/b", "../etc", "live/..", "live/a%20b", "live/<b>"}) {
            open("stream=" + bad);
            assertEquals("error", browser.text("status"), bad);
            assertTrue(browser.text("message").startsWith("Give the stream as ?stream=<app>/<stream>"),
                    bad + ": " + browser.text("message"));
            assertEquals(null, browser.evaluate("window.aqueduct.hls"), bad);
        }
    }

    /** Opens the player page and checks it is the page, so a missing page fails with that, not a later symptom. */
    private void open(String query) {
        String url = "http://127.0.0.1:" + port + "/play.html?" + query;
        browser.open(url);
        assertEquals(Boolean.TRUE, browser.evaluate("typeof window.aqueduct === 'object'"),
                "the player page at " + url + " (io.aqueduct.hls in the distribution?); console:\n" + browser.consoleLog());
    }

    private double currentTime() {
        return browser.number("window.aqueduct.video.currentTime");
    }

    @SuppressWarnings("unchecked")
    private List<Object> fatalErrors() {
        return (List<Object>) browser.evaluate("window.aqueduct.errors.filter(e => e.fatal).map(e => e.text)");
    }
}
