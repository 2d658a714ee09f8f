package io.aqueduct.rest.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The page as the build put it in target/classes: present, with the ids the script and the tests rely on. */
class ClusterPageTest {
    private final ClusterPage page = ClusterPage.load(ClusterPage.class.getClassLoader());

    private String text(String path) {
        return new String(page.get(path).bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void everyFileIsThereWithItsType() {
        assertThat(page.get("/cluster.html").asset().contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(page.get("/cluster/cluster.js").asset().contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(page.get("/cluster/cluster.css").asset().contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(page.get("/cluster/other.js")).isNull();
    }

    @Test
    void thePageHasTheElementsTheScriptFillsAndATestReads() {
        String html = text("/cluster.html");
        assertThat(html).contains("<tbody id=\"nodes\">", "<tbody id=\"streams\">", "id=\"aq-cluster\"",
                "id=\"cluster-error\"", "id=\"cluster-notice\"", "id=\"cluster-action\"", "id=\"cluster-mode\"",
                "id=\"cluster-registry\"", "id=\"cluster-self\"", "id=\"cluster-updated\"",
                "id=\"cluster-nodes-empty\"", "id=\"cluster-streams-empty\"");
        String js = text("/cluster/cluster.js");
        for (String id : new String[] {"aq-cluster", "nodes", "streams", "cluster-error", "cluster-notice",
            "cluster-action", "cluster-mode", "cluster-registry", "cluster-self", "cluster-heartbeat",
            "cluster-updated", "cluster-nodes-count", "cluster-nodes-empty", "cluster-streams-count",
            "cluster-streams-empty"}) {
            assertThat(js).as("the script uses #" + id).contains("'" + id + "'");
            assertThat(html).as("the page has #" + id).contains("id=\"" + id + "\"");
        }
        // what a Selenium test counts and reads
        assertThat(js).contains("tr.dataset.nodeId = n.id", "tr.dataset.state = state", "'alive' : 'dead'");
    }

    @Test
    void theScriptPutsDataIntoTheDomAsTextOnly() {
        String js = text("/cluster/cluster.js");
        assertThat(js).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        assertThat(js).contains("textContent");
    }

    @Test
    void everythingIsLoadedFromThisNodeByAbsolutePaths() {
        String body = page.body();
        assertThat(body).contains("<link rel=\"stylesheet\" href=\"/cluster/cluster.css\">",
                "<script src=\"/cluster/cluster.js\"></script>");
        assertThat(text("/cluster/cluster.js")).contains("const API = location.origin + '/rest/v2/cluster';");
        for (String file : new String[] {"/cluster.html", "/cluster/cluster.js", "/cluster/cluster.css"}) {
            assertThat(text(file)).as(file).doesNotContain("http://", "https://", "src=\"//", "href=\"//");
        }
    }

    @Test
    void theConsoleBodyIsThePageBetweenItsBodyTags() {
        String body = page.body();
        assertThat(body).contains("<tbody id=\"nodes\">").doesNotContain("<body", "</body>", "<head", "<title");
        assertThat(text("/cluster.html")).contains("<body>" + body + "</body>");
    }

    @Test
    void aPageWithoutABodyIsRefused() {
        assertThatThrownBy(() -> ClusterPage.body("<html><body class=\"x\"></body></html>"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("<body>");
    }

    @Test
    void aBundleWithoutAFileFailsOnActivationNamingIt() {
        ClassLoader empty = new ClassLoader(null) {
            @Override
            public URL getResource(String name) {
                return null;
            }
        };
        assertThatThrownBy(() -> ClusterPage.load(empty)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the bundle lacks static/cluster/");
    }

    @Test
    void etagsDifferByContent() {
        assertThat(page.get("/cluster.html").etag()).matches("\"[0-9a-f]{24}\"")
                .isNotEqualTo(page.get("/cluster/cluster.js").etag());
    }
}
