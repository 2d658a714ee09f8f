package io.aqueduct.rest.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.cluster.ClusterStream;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.rest.internal.cluster.ClusterApi.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterApiTest {
    private static final Instant STARTED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant BEAT = Instant.parse("2026-03-01T10:05:00.250Z");

    private final FakeClusterView view = new FakeClusterView();

    private static ClusterNode node(String id, boolean alive, long ageMs) {
        return new ClusterNode(id, "10.0.0." + id.substring(1), Map.of("rtmp", 1935, "http", 5080, "relay", 5000),
                "origin", "", "0.1.0", STARTED, 0.25, 200L << 20, 1L << 30, 3, 42, BEAT, Duration.ofMillis(ageMs),
                alive);
    }

    private Answer get(String path) {
        return ClusterApi.answer("GET", path, view, "n1", NodeMode.CLUSTER);
    }

    private Answer delete(String id) {
        return ClusterApi.answer("DELETE", "/nodes/" + id, view, "n1", NodeMode.CLUSTER);
    }

    @Test
    void nodesListsEveryNodeWithItsHeartbeatLoadAndWhichIsThisNode() {
        view.nodes.add(node("n1", true, 800));
        view.nodes.add(node("n2", false, 31_000));

        Answer a = get("/nodes");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.allow()).isNull();
        assertThat(a.json()).isEqualTo("{\"mode\":\"cluster\",\"nodeId\":\"n1\","
                + "\"registry\":\"mongodb://10.0.0.5:27017/aqueduct\",\"heartbeatPeriodMs\":2000,\"deadAfterMs\":10000,"
                + "\"nodes\":["
                + "{\"id\":\"n1\",\"address\":\"10.0.0.1\",\"ports\":{\"http\":5080,\"relay\":5000,\"rtmp\":1935},"
                + "\"role\":\"origin\",\"group\":\"\",\"version\":\"0.1.0\",\"started\":\"2026-03-01T10:00:00Z\","
                + "\"cpu\":0.25,\"memoryUsed\":209715200,\"memoryMax\":1073741824,\"streams\":3,\"viewers\":42,"
                + "\"lastHeartbeat\":\"2026-03-01T10:05:00.250Z\",\"heartbeatAgeMs\":800,\"alive\":true,\"self\":true},"
                + "{\"id\":\"n2\",\"address\":\"10.0.0.2\",\"ports\":{\"http\":5080,\"relay\":5000,\"rtmp\":1935},"
                + "\"role\":\"origin\",\"group\":\"\",\"version\":\"0.1.0\",\"started\":\"2026-03-01T10:00:00Z\","
                + "\"cpu\":0.25,\"memoryUsed\":209715200,\"memoryMax\":1073741824,\"streams\":3,\"viewers\":42,"
                + "\"lastHeartbeat\":\"2026-03-01T10:05:00.250Z\",\"heartbeatAgeMs\":31000,\"alive\":false,\"self\":false}"
                + "]}");
    }

    @Test
    void unknownCpuAndMissingTimesAreNull() {
        view.nodes.add(new ClusterNode("n3", null, Map.of(), null, null, null, null, -1, 0, 0, 0, 0, null, null,
                false));

        assertThat(get("/nodes").json()).contains("{\"id\":\"n3\",\"address\":null,\"ports\":{},\"role\":null,"
                + "\"group\":null,\"version\":null,\"started\":null,\"cpu\":null,\"memoryUsed\":0,\"memoryMax\":0,"
                + "\"streams\":0,\"viewers\":0,\"lastHeartbeat\":null,\"heartbeatAgeMs\":null,\"alive\":false,"
                + "\"self\":false}");
    }

    @Test
    void textFromTheRegistryIsEscaped() {
        view.nodes.add(new ClusterNode("n4", "<script>\"x\"</script>", Map.of(), "origin", "g\\1", "v", null, 0, 0,
                0, 0, 0, null, null, true));

        assertThat(get("/nodes").json()).contains("\"address\":\"<script>\\\"x\\\"</script>\"", "\"group\":\"g\\\\1\"");
    }

    @Test
    void streamsListsEveryStreamWithItsOrigin() {
        view.streams.add(new ClusterStream("live/a", "n1", "10.0.0.1", BEAT, true));
        view.streams.add(new ClusterStream("live/b", "n2", null, null, false));

        Answer a = get("/streams");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json()).isEqualTo("{\"mode\":\"cluster\",\"streams\":["
                + "{\"key\":\"live/a\",\"originNode\":\"n1\",\"originAddress\":\"10.0.0.1\","
                + "\"claimed\":\"2026-03-01T10:05:00.250Z\",\"originAlive\":true},"
                + "{\"key\":\"live/b\",\"originNode\":\"n2\",\"originAddress\":null,\"claimed\":null,"
                + "\"originAlive\":false}]}");
    }

    @Test
    void aTrailingSlashReadsTheSame() {
        assertThat(get("/nodes/").json()).isEqualTo(get("/nodes").json());
        assertThat(get("/streams/").json()).isEqualTo(get("/streams").json());
    }

    @Test
    void headIsARead() {
        assertThat(ClusterApi.answer("HEAD", "/nodes", view, "n1", NodeMode.CLUSTER).status()).isEqualTo(200);
    }

    @Test
    void standaloneAnswersEmptyListsAndHowToJoin() {
        Answer nodes = ClusterApi.answer("GET", "/nodes", null, "abc123", NodeMode.STANDALONE);
        Answer streams = ClusterApi.answer("GET", "/streams", null, "abc123", NodeMode.STANDALONE);

        assertThat(nodes.status()).isEqualTo(200);
        assertThat(nodes.json()).isEqualTo("{\"mode\":\"standalone\",\"nodeId\":\"abc123\",\"registry\":null,"
                + "\"heartbeatPeriodMs\":null,\"deadAfterMs\":null,\"nodes\":[],\"message\":\""
                + ClusterApi.STANDALONE_MESSAGE + "\"}");
        assertThat(ClusterApi.STANDALONE_MESSAGE).contains("`bin/aqueduct mode cluster <mongo>`");
        assertThat(streams.status()).isEqualTo(200);
        assertThat(streams.json()).isEqualTo("{\"mode\":\"standalone\",\"streams\":[],\"message\":\""
                + ClusterApi.STANDALONE_MESSAGE + "\"}");
    }

    @Test
    void standaloneBeforeTheNodeIdentityExists() {
        Answer nodes = ClusterApi.answer("GET", "/nodes", null, null, null);

        assertThat(nodes.status()).isEqualTo(200);
        assertThat(nodes.json()).startsWith("{\"mode\":\"standalone\",\"nodeId\":null,");
    }

    @Test
    void standaloneRefusesDeleteWithHowToJoin() {
        Answer a = ClusterApi.answer("DELETE", "/nodes/n2", null, "abc123", NodeMode.STANDALONE);

        assertThat(a.status()).isEqualTo(409);
        assertThat(a.json()).isEqualTo("{\"error\":\"" + ClusterApi.STANDALONE_MESSAGE + "\"}");
    }

    @Test
    void clusterModeWithoutAViewIs503NotStandalone() {
        for (String[] request : new String[][] {{"GET", "/nodes"}, {"GET", "/streams"}, {"DELETE", "/nodes/n2"}}) {
            Answer a = ClusterApi.answer(request[0], request[1], null, "n1", NodeMode.CLUSTER);
            assertThat(a.status()).as(request[1]).isEqualTo(503);
            assertThat(a.json()).isEqualTo("{\"error\":\"" + ClusterApi.NO_VIEW_MESSAGE + "\"}");
        }
    }

    @Test
    void anUnreachableRegistryIs503WithItsMessage() {
        view.unavailable = "MongoDB at 10.0.0.5:27017 unreachable since 10:04:58 (connection refused)";
        String expected = "{\"error\":\"MongoDB at 10.0.0.5:27017 unreachable since 10:04:58 (connection refused)\"}";

        for (Answer a : new Answer[] {get("/nodes"), get("/streams"), delete("n2")}) {
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.json()).isEqualTo(expected);
        }
    }

    @Test
    void aFailingRegistryBundleIs500InJson() {
        view.failure = new NullPointerException("oops");

        Answer a = get("/nodes");

        assertThat(a.status()).isEqualTo(500);
        assertThat(a.json()).isEqualTo("{\"error\":\"reading the registry failed: java.lang.NullPointerException: oops\"}");
    }

    @Test
    void deletingADeadNodeAnswersDeleted() {
        view.nodes.add(node("n2", false, 31_000));

        Answer a = delete("n2");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json()).isEqualTo("{\"deleted\":true,\"id\":\"n2\"}");
        assertThat(view.deleted).containsExactly("n2");
    }

    @Test
    void deletingAnUnknownNodeIs404() {
        Answer a = delete("n9");

        assertThat(a.status()).isEqualTo(404);
        assertThat(a.json()).isEqualTo("{\"error\":\"no node n9 in the registry\"}");
    }

    @Test
    void deletingALiveNodeIs409WithTheRegistrysReason() {
        view.nodes.add(node("n2", true, 900));

        Answer a = delete("n2");

        assertThat(a.status()).isEqualTo(409);
        assertThat(a.json()).isEqualTo(
                "{\"error\":\"node n2 is alive (last heartbeat 900 ms ago); only dead nodes can be deleted\"}");
        assertThat(view.nodes).hasSize(1);
    }

    @Test
    void aBadIdIs400BeforeTheRegistryIsAsked() {
        view.unavailable = "down";
        for (String id : new String[] {"a b", "a/b", "x%00", "é", "a".repeat(65), "../n1"}) {
            Answer a = delete(id);
            assertThat(a.status()).as(id).isEqualTo(400);
            assertThat(a.json()).as(id).startsWith("{\"error\":\"'").contains("is not a node id");
        }
        assertThat(delete("a".repeat(200)).json()).hasSizeLessThan(200);
        // a bad id also in standalone mode, where no registry exists to ask
        assertThat(ClusterApi.answer("DELETE", "/nodes/a b", null, null, NodeMode.STANDALONE).status()).isEqualTo(400);
    }

    @Test
    void aWrongMethodIs405NamingTheAllowedOnes() {
        Answer post = ClusterApi.answer("POST", "/nodes", view, "n1", NodeMode.CLUSTER);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.allow()).isEqualTo("GET, HEAD");
        assertThat(post.json()).isEqualTo("{\"error\":\"POST is not allowed here; allowed: GET, HEAD\"}");

        assertThat(ClusterApi.answer("DELETE", "/nodes", view, "n1", NodeMode.CLUSTER).status()).isEqualTo(405);
        assertThat(ClusterApi.answer("PUT", "/streams", view, "n1", NodeMode.CLUSTER).allow()).isEqualTo("GET, HEAD");
        Answer getOne = ClusterApi.answer("GET", "/nodes/n2", view, "n1", NodeMode.CLUSTER);
        assertThat(getOne.status()).isEqualTo(405);
        assertThat(getOne.allow()).isEqualTo("DELETE");
        assertThat(ClusterApi.answer("OPTIONS", "/nodes/n2", view, "n1", NodeMode.CLUSTER).status()).isEqualTo(405);
    }

    @Test
    void anUnknownPathIs404InJson() {
        for (String path : new String[] {null, "", "/", "/node", "/streams/live", "/nodesx"}) {
            Answer a = ClusterApi.answer("GET", path, view, "n1", NodeMode.CLUSTER);
            assertThat(a.status()).as(path).isEqualTo(404);
            assertThat(a.json()).as(path).startsWith("{\"error\":\"no such resource: /rest/v2/cluster");
        }
    }
}
