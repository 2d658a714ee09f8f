package io.aqueduct.rest.internal.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.rest.internal.cluster.ClusterPage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterPageServletTest {
    private final ClusterPageServlet servlet = new ClusterPageServlet();

    private FakeHttp.Response request(String method, String servletPath, String pathInfo, Map<String, String> headers)
            throws Exception {
        FakeHttp.Response r = new FakeHttp.Response();
        servlet.service(FakeHttp.request(method, servletPath, pathInfo, headers), r.proxy());
        return r;
    }

    @Test
    void clusterHtmlIsTheBundledPageRevalidated() throws Exception {
        FakeHttp.Response r = request("GET", "/cluster.html", null, Map.of());

        assertThat(r.status).isEqualTo(200);
        assertThat(r.contentType).isEqualTo("text/html; charset=utf-8");
        assertThat(r.headers).containsEntry("Cache-Control", "no-cache").containsEntry("X-Content-Type-Options",
                "nosniff");
        assertThat(r.contentLength).isEqualTo(r.body.size());
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("static/cluster/cluster.html")) {
            assertThat(r.body.toByteArray()).isEqualTo(in.readAllBytes());
        }
    }

    @Test
    void scriptAndStyleHaveTheirTypes() throws Exception {
        assertThat(request("GET", "/cluster", "/cluster.js", Map.of()).contentType)
                .isEqualTo("text/javascript; charset=utf-8");
        assertThat(request("GET", "/cluster", "/cluster.css", Map.of()).contentType)
                .isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void aMatchingEtagIs304() throws Exception {
        String etag = request("GET", "/cluster.html", null, Map.of()).headers.get("ETag");

        FakeHttp.Response r = request("GET", "/cluster.html", null, Map.of("If-None-Match", "W/" + etag));

        assertThat(r.status).isEqualTo(304);
        assertThat(r.body.size()).isZero();
        assertThat(request("GET", "/cluster.html", null, Map.of("If-None-Match", "\"x\"")).status).isEqualTo(200);
    }

    @Test
    void headHasNoBody() throws Exception {
        FakeHttp.Response r = request("HEAD", "/cluster", "/cluster.js", Map.of());

        assertThat(r.status).isEqualTo(200);
        assertThat(r.contentLength).isPositive();
        assertThat(r.body.size()).isZero();
    }

    @Test
    void anythingElseIs404() throws Exception {
        String[][] paths = {{"/cluster", null}, {"/cluster", "/"}, {"/cluster", "/../cluster.html"},
            {"/cluster", "/cluster.html"}, {"/cluster", "/CLUSTER.JS"}, {"/cluster.html", "/x"}};
        for (String[] p : paths) {
            FakeHttp.Response r = request("GET", p[0], p[1], Map.of());
            assertThat(r.status).as(p[0] + " + " + p[1]).isEqualTo(404);
            assertThat(r.text()).isEqualTo("Not found\n");
        }
    }

    @Test
    void theConsolePluginWritesThePageBodyWithTheWriterTheConsoleUses() throws Exception {
        ClusterPage page = ClusterPage.load(getClass().getClassLoader());
        FakeHttp.Response r = new FakeHttp.Response();

        new ClusterConsolePlugin(page).service(FakeHttp.request("GET", "/system/console", "/cluster", Map.of()),
                r.proxy());

        assertThat(r.text()).isEqualTo(page.body());
        assertThat(r.text()).contains("<tbody id=\"nodes\">", "/cluster/cluster.js");
        // the console has sent its header already: the plugin must not change the status or the type
        assertThat(r.contentType).isNull();
        assertThat(r.status).isEqualTo(200);
    }

    @Test
    void theConsolePluginIsRegisteredWithTheConsolesProperties() throws Exception {
        // bnd wrote the component description from the annotations before the tests run
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("OSGI-INF/" + ClusterConsolePlugin.class.getName() + ".xml")) {
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(xml).contains("<provide interface=\"jakarta.servlet.Servlet\"/>",
                    "name=\"felix.webconsole.label\" type=\"String\" value=\"cluster\"",
                    "name=\"felix.webconsole.title\" type=\"String\" value=\"Cluster\"",
                    "name=\"felix.webconsole.category\" type=\"String\" value=\"Aqueduct\"")
                    // a whiteboard pattern would also publish it outside the console, without its login
                    .doesNotContain("osgi.http.whiteboard");
        }
    }
}
