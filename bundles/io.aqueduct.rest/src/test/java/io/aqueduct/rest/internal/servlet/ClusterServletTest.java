package io.aqueduct.rest.internal.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.rest.internal.cluster.ClusterApi;
import io.aqueduct.rest.internal.cluster.FakeClusterView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The servlet's side: status, headers and body as they go out, for each kind of answer of ClusterApi. */
class ClusterServletTest {
    private final FakeClusterView view = new FakeClusterView();

    private static NodeIdentity identity(NodeMode mode) {
        return new NodeIdentity() {
            @Override
            public String nodeId() {
                return "abc123";
            }

            @Override
            public NodeMode mode() {
                return mode;
            }

            @Override
            public NodeRole role() {
                return NodeRole.ORIGIN;
            }

            @Override
            public String address() {
                return "127.0.0.1";
            }

            @Override
            public String registry() {
                return mode == NodeMode.CLUSTER ? "127.0.0.1:27017" : "";
            }

            @Override
            public String group() {
                return "";
            }

            @Override
            public Instant started() {
                return Instant.EPOCH;
            }
        };
    }

    private static FakeHttp.Response call(ClusterServlet servlet, String method, String pathInfo) throws Exception {
        FakeHttp.Response r = new FakeHttp.Response();
        servlet.service(FakeHttp.request(method, ClusterApi.ROOT, pathInfo, Map.of()), r.proxy());
        return r;
    }

    private static void assertJsonNotStored(FakeHttp.Response r) {
        assertThat(r.contentType).isEqualTo("application/json");
        assertThat(r.characterEncoding).isEqualTo("UTF-8");
        assertThat(r.headers).containsEntry("Cache-Control", "no-store");
        assertThat(r.contentLength).isEqualTo(r.body.size());
        assertThat(r.text()).endsWith("}\n");
    }

    @Test
    void standaloneWithoutAClusterViewAnswers200WithTheNodesIdAndTheWayToJoin() throws Exception {
        FakeHttp.Response r = call(new ClusterServlet(null, identity(NodeMode.STANDALONE)), "GET", "/nodes");

        assertThat(r.status).isEqualTo(200);
        assertJsonNotStored(r);
        assertThat(r.text()).startsWith("{\"mode\":\"standalone\",\"nodeId\":\"abc123\",")
                .contains("bin/aqueduct mode cluster <mongo>");
    }

    @Test
    void clusterNodesGoOutAsJson() throws Exception {
        view.nodes.add(new ClusterNode("n1", "10.0.0.1", Map.of("http", 5080), "edge", "eu", "0.1.0", Instant.EPOCH,
                0.5, 1, 2, 0, 0, Instant.EPOCH, Duration.ofMillis(5), true));

        FakeHttp.Response r = call(new ClusterServlet(view, identity(NodeMode.CLUSTER)), "GET", "/nodes");

        assertThat(r.status).isEqualTo(200);
        assertJsonNotStored(r);
        assertThat(r.text()).contains("\"nodes\":[{\"id\":\"n1\",", "\"self\":true}");
    }

    @Test
    void errorsAreJsonWithTheirStatus() throws Exception {
        ClusterServlet servlet = new ClusterServlet(view, identity(NodeMode.CLUSTER));
        view.unavailable = "registry unreachable";

        FakeHttp.Response unavailable = call(servlet, "GET", "/streams");
        assertThat(unavailable.status).isEqualTo(503);
        assertJsonNotStored(unavailable);
        assertThat(unavailable.text()).isEqualTo("{\"error\":\"registry unreachable\"}\n");

        FakeHttp.Response badId = call(servlet, "DELETE", "/nodes/a b");
        assertThat(badId.status).isEqualTo(400);
        assertJsonNotStored(badId);

        FakeHttp.Response unknown = call(servlet, "GET", "/elsewhere");
        assertThat(unknown.status).isEqualTo(404);
        assertJsonNotStored(unknown);
    }

    @Test
    void aWrongMethodIs405WithAllow() throws Exception {
        FakeHttp.Response r = call(new ClusterServlet(view, null), "PATCH", "/nodes");

        assertThat(r.status).isEqualTo(405);
        assertThat(r.headers).containsEntry("Allow", "GET, HEAD");
        assertJsonNotStored(r);
        assertThat(r.text()).startsWith("{\"error\":");
    }

    @Test
    void deleteAnswersDeleted() throws Exception {
        view.nodes.add(new ClusterNode("n2", "10.0.0.2", Map.of(), "origin", "", "0.1.0", Instant.EPOCH, -1, 0, 0, 0,
                0, Instant.EPOCH, Duration.ofMinutes(5), false));

        FakeHttp.Response r = call(new ClusterServlet(view, identity(NodeMode.CLUSTER)), "DELETE", "/nodes/n2");

        assertThat(r.status).isEqualTo(200);
        assertJsonNotStored(r);
        assertThat(r.text()).isEqualTo("{\"deleted\":true,\"id\":\"n2\"}\n");
        assertThat(view.nodes).isEmpty();
    }

    @Test
    void standaloneDeleteIs409() throws Exception {
        FakeHttp.Response r = call(new ClusterServlet(null, null), "DELETE", "/nodes/n2");

        assertThat(r.status).isEqualTo(409);
        assertJsonNotStored(r);
        assertThat(r.text()).contains("bin/aqueduct mode cluster <mongo>");
    }

    @Test
    void headSendsTheHeadersWithoutTheBody() throws Exception {
        ClusterServlet servlet = new ClusterServlet(null, null);
        FakeHttp.Response get = call(servlet, "GET", "/streams");
        FakeHttp.Response head = call(servlet, "HEAD", "/streams");

        assertThat(head.status).isEqualTo(200);
        assertThat(head.contentLength).isEqualTo(get.body.size());
        assertThat(head.body.size()).isZero();
    }

    @Test
    void bodiesAreUtf8() throws Exception {
        view.unavailable = "Verbindung verweigert — ré";

        FakeHttp.Response r = call(new ClusterServlet(view, null), "GET", "/nodes");

        assertThat(new String(r.body.toByteArray(), StandardCharsets.UTF_8)).contains("verweigert — ré");
        assertThat(r.contentLength).isEqualTo(r.body.size());
    }
}
