package io.aqueduct.rest.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.health.HealthCheck.Status;
import io.aqueduct.rest.internal.health.HealthReport.BundleInfo;
import io.aqueduct.rest.internal.health.HealthReport.Check;
import io.aqueduct.rest.internal.health.HealthReport.Node;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthReportTest {
    private static final Node STANDALONE = new Node("n-1", "standalone", "standalone", "10.0.0.1", "", 42);
    private static final BundleInfo API = new BundleInfo("io.aqueduct.api", "0.1.0", "ACTIVE", false, null);
    private static final BundleInfo CORE = new BundleInfo("io.aqueduct.core", "0.1.0", "ACTIVE", false, null);

    @Test
    void upWhenEverythingRunsAndEveryCheckIsUp() {
        HealthReport r = HealthReport.of(STANDALONE, 0, List.of(CORE, API), List.of(new Check("node-config", Status.UP, "")));
        assertEquals(Status.UP, r.status());
        assertEquals(200, r.httpStatus());
        assertEquals("{\"status\":\"UP\",\"nodeId\":\"n-1\",\"mode\":\"standalone\",\"role\":\"standalone\","
                + "\"address\":\"10.0.0.1\",\"group\":\"\",\"uptimeSeconds\":42,"
                + "\"bundles\":[{\"name\":\"io.aqueduct.api\",\"version\":\"0.1.0\",\"state\":\"ACTIVE\"},"
                + "{\"name\":\"io.aqueduct.core\",\"version\":\"0.1.0\",\"state\":\"ACTIVE\"}],"
                + "\"checks\":[{\"name\":\"bundles\",\"status\":\"UP\",\"message\":\"\"},"
                + "{\"name\":\"node-config\",\"status\":\"UP\",\"message\":\"\"}]}", r.toJson());
    }

    @Test
    void degradedCheckMakesTheNodeDegradedButStillServing() {
        HealthReport r = HealthReport.of(STANDALONE, 0, List.of(API),
                List.of(new Check("http-config", Status.DEGRADED, "rejected port = 'abc'"), new Check("x", Status.UP, "")));
        assertEquals(Status.DEGRADED, r.status());
        assertEquals(200, r.httpStatus());
        assertTrue(r.toJson().contains("\"message\":\"rejected port = 'abc'\""));
    }

    @Test
    void worstCheckWins() {
        HealthReport r = HealthReport.of(STANDALONE, 0, List.of(API), List.of(
                new Check("a", Status.DEGRADED, "meh"), new Check("b", Status.DOWN, "broken"), new Check("c", Status.UP, "")));
        assertEquals(Status.DOWN, r.status());
        assertEquals(503, r.httpStatus());
    }

    @Test
    void downWithoutNodeIdentityButStillAnswers() {
        HealthReport r = HealthReport.of(null, 7, List.of(API), List.of());
        assertEquals(Status.DOWN, r.status());
        assertEquals(503, r.httpStatus());
        String json = r.toJson();
        assertTrue(json.startsWith("{\"status\":\"DOWN\",\"nodeId\":null,\"mode\":null,\"role\":null,"), json);
        assertTrue(json.contains("\"uptimeSeconds\":7"), json);
        assertTrue(json.contains("{\"name\":\"node\",\"status\":\"DOWN\",\"message\":\"no node identity"), json);
    }

    @Test
    void aBundleThatShouldRunButIsNotActiveMakesTheNodeDown() {
        BundleInfo resolvedCore = new BundleInfo("io.aqueduct.core", "0.1.0", "RESOLVED", false, null);
        HealthReport r = HealthReport.of(STANDALONE, 0, List.of(API, resolvedCore), List.of());
        assertEquals(Status.DOWN, r.status());
        assertEquals(new Check("bundles", Status.DOWN, "io.aqueduct.core is RESOLVED, expected ACTIVE"),
                r.checks().stream().filter(c -> c.name().equals("bundles")).findFirst().orElseThrow());
    }

    @Test
    void aBundleStoppedBecauseOfTheRoleIsExpected() {
        BundleInfo edge = new BundleInfo("io.aqueduct.edge", "0.1.0", "RESOLVED", false, Set.of("edge"));
        BundleInfo rtmp = new BundleInfo("io.aqueduct.rtmp", "0.1.0", "ACTIVE", false, Set.of("standalone", "origin", "edge"));
        assertEquals(Status.UP, HealthReport.of(STANDALONE, 0, List.of(API, edge, rtmp), List.of()).status());

        BundleInfo rtmpStopped = new BundleInfo("io.aqueduct.rtmp", "0.1.0", "RESOLVED", false, Set.of("standalone", "origin", "edge"));
        assertEquals(Status.DOWN, HealthReport.of(STANDALONE, 0, List.of(API, rtmpStopped), List.of()).status());
    }

    @Test
    void anUnresolvableBundleOfAnotherRoleIsDegraded() {
        BundleInfo edge = new BundleInfo("io.aqueduct.edge", "0.1.0", "INSTALLED", false, Set.of("edge"));
        HealthReport r = HealthReport.of(STANDALONE, 0, List.of(API, edge), List.of());
        assertEquals(Status.DEGRADED, r.status());
    }

    @Test
    void fragmentsAreNeverExpectedActive() {
        BundleInfo natives = new BundleInfo("io.aqueduct.ffmpeg.natives", "0.1.0", "RESOLVED", true, null);
        assertEquals(Status.UP, HealthReport.of(STANDALONE, 0, List.of(API, natives), List.of()).status());
    }
}
