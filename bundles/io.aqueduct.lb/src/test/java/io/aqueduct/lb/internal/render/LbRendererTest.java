package io.aqueduct.lb.internal.render;

import static io.aqueduct.lb.internal.render.TestNodes.directives;
import static io.aqueduct.lb.internal.render.TestNodes.edge;
import static io.aqueduct.lb.internal.render.TestNodes.haproxySections;
import static io.aqueduct.lb.internal.render.TestNodes.haproxyServers;
import static io.aqueduct.lb.internal.render.TestNodes.nginxServers;
import static io.aqueduct.lb.internal.render.TestNodes.node;
import static io.aqueduct.lb.internal.render.TestNodes.origin;
import static io.aqueduct.lb.internal.render.TestNodes.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.lb.Rendered;
import io.aqueduct.lb.TemplateException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped templates rendered for registries: who goes where, who is left out, and what cannot get in. */
class LbRendererTest {
    private static final String REGISTRY = "mongodb://aqueduct:****@10.0.9.1:27017/aqueduct?replicaSet=rs0";
    private static final LbListeners LISTENERS = new LbListeners(1935, 1936, 80, 443, 1937, "", "", "/run/lb",
            "/usr/lib/nginx/modules/ngx_stream_module.so");
    private static final LbListeners TLS = new LbListeners(1935, 1936, 80, 443, 1937, "/etc/lb/cert.pem",
            "/etc/lb/cert.pem.key", "/run/lb", "");

    /** Two origins and two edges alive, and one of each dead. */
    private static List<ClusterNode> cluster() {
        return List.of(origin("origin-b", "10.0.0.2"), origin("origin-a", "10.0.0.1"),
                edge("edge-1", "10.0.1.1"), edge("edge-2", "edge-2.example.net"),
                node("origin-dead", "origin", "10.0.0.9", false, Map.of("rtmp", 1935, "http", 5080)),
                node("edge-dead", "edge", "10.0.1.9", false, Map.of("rtmp", 2935, "http", 6080)),
                node("lb-1", "lb", "10.0.2.1", true, Map.of("http", 80)));
    }

    private static Rendered render(LbFormat format, List<ClusterNode> nodes, LbListeners listeners) throws Exception {
        return LbRenderer.render(format, template(format), nodes, listeners, REGISTRY);
    }

    @Test
    void nginxSendsPublishersToTheOriginsAndViewersToTheEdges() throws Exception {
        Rendered r = render(LbFormat.NGINX, cluster(), LISTENERS);
        String conf = r.text();
        assertThat(r.skipped()).isEmpty();
        assertThat(nginxServers(conf, "aqueduct_rtmp_publish")).containsExactly("10.0.0.1:1935", "10.0.0.2:1935");
        assertThat(nginxServers(conf, "aqueduct_http_publish")).containsExactly("10.0.0.1:5080", "10.0.0.2:5080");
        assertThat(nginxServers(conf, "aqueduct_rtmp_play")).containsExactly("10.0.1.1:2935",
                "edge-2.example.net:2935");
        assertThat(nginxServers(conf, "aqueduct_http_play")).containsExactly("10.0.1.1:6080",
                "edge-2.example.net:6080");
        assertThat(nginxServers(conf, "aqueduct_http_any")).containsExactly("10.0.1.1:6080",
                "edge-2.example.net:6080", "10.0.0.1:5080", "10.0.0.2:5080");
        assertThat(conf).as("dead nodes and the lb leave no trace").doesNotContain("10.0.0.9", "10.0.1.9", "10.0.2.1",
                "dead", "lb-1");
        // the listeners lead to the right groups
        assertThat(conf).containsPattern(block("listen 0.0.0.0:1935;", "proxy_pass aqueduct_rtmp_publish;"))
                .containsPattern(block("listen 0.0.0.0:1936;", "proxy_pass aqueduct_rtmp_play;"))
                .containsPattern(block("location /whip/ {", "proxy_pass http://aqueduct_http_publish;"))
                .containsPattern(block("location /whep/ {", "proxy_pass http://aqueduct_http_play;"))
                .containsPattern(block("location /system/console {", "proxy_pass http://aqueduct_http_any;"))
                .containsPattern(block("GET     aqueduct_http_any;", "HEAD    aqueduct_http_any;",
                        "default aqueduct_http_publish;"));
        List<String> directives = directives(conf);
        assertThat(directives).contains("load_module /usr/lib/nginx/modules/ngx_stream_module.so;",
                "pid /run/lb/nginx.pid;", "error_log /run/lb/error.log warn;", "proxy_buffering off;",
                "proxy_set_header X-Forwarded-For $remote_addr;", "proxy_set_header X-Forwarded-Proto $scheme;",
                "proxy_set_header Upgrade $http_upgrade;", "listen 0.0.0.0:80;");
        assertThat(directives.stream().filter(d -> d.startsWith("server ") && d.contains(":")))
                .as("passive checks on every server").allMatch(d -> d.endsWith("max_fails=1 fail_timeout=5s;"));
        assertThat(directives.stream().filter(d -> d.equals("least_conn;"))).hasSize(5);
        assertThat(conf).contains("# Origins: 2, edges: 2.")
                .contains("registry mongodb://aqueduct:_____10.0.9.1:27017/aqueduct_replicaSet_rs0 ");
    }

    @Test
    void haproxySendsPublishersToTheOriginsAndViewersToTheEdgesWithHealthChecks() throws Exception {
        Rendered r = render(LbFormat.HAPROXY, cluster(), LISTENERS);
        String cfg = r.text();
        assertThat(r.skipped()).isEmpty();
        assertThat(haproxyServers(cfg, "rtmp_origins")).containsExactly("origin-a 10.0.0.1:1935",
                "origin-b 10.0.0.2:1935");
        assertThat(haproxyServers(cfg, "http_origins")).containsExactly("origin-a 10.0.0.1:5080",
                "origin-b 10.0.0.2:5080");
        assertThat(haproxyServers(cfg, "rtmp_playback")).containsExactly("edge-1 10.0.1.1:2935",
                "edge-2 edge-2.example.net:2935");
        assertThat(haproxyServers(cfg, "http_playback")).containsExactly("edge-1 10.0.1.1:6080",
                "edge-2 edge-2.example.net:6080");
        assertThat(haproxyServers(cfg, "http_any")).containsExactly("edge-1 10.0.1.1:6080",
                "edge-2 edge-2.example.net:6080", "origin-a 10.0.0.1:5080", "origin-b 10.0.0.2:5080");
        assertThat(cfg).doesNotContain("10.0.0.9", "10.0.1.9", "10.0.2.1", "dead", "lb-1");

        Map<String, List<String>> sections = haproxySections(cfg);
        assertThat(sections.get("global")).contains("pidfile /run/lb/haproxy.pid").doesNotContain("daemon");
        assertThat(sections.get("defaults")).anyMatch(d -> d.startsWith("timeout tunnel "));
        assertThat(sections.get("frontend rtmp_publish")).contains("mode tcp", "bind 0.0.0.0:1935",
                "default_backend rtmp_origins").noneMatch(d -> d.contains("ssl"));
        assertThat(sections.get("frontend rtmp_play")).contains("mode tcp", "bind 0.0.0.0:1936",
                "default_backend rtmp_playback");
        assertThat(sections.get("frontend http")).contains("mode http", "bind 0.0.0.0:80", "option forwardfor",
                "use_backend http_origins if whip", "use_backend http_origins if rest !read",
                "use_backend http_playback if playback", "default_backend http_any").noneMatch(d -> d.contains("ssl "));
        for (String backend : List.of("rtmp_origins", "rtmp_playback", "http_origins", "http_playback", "http_any")) {
            List<String> b = sections.get("backend " + backend);
            assertThat(b).as(backend).contains("balance leastconn", "option httpchk GET /health",
                    "http-check expect status 200");
            assertThat(b.stream().filter(d -> d.startsWith("server "))).as(backend).isNotEmpty()
                    .allMatch(d -> d.matches("server \\S+ \\S+:\\d+ check port (5080|6080) inter 1s fall 2 rise 1"));
        }
    }

    @Test
    void withoutEdgesTheOriginsServeTheViewers() throws Exception {
        List<ClusterNode> nodes = List.of(origin("o1", "10.0.0.1"), origin("o2", "10.0.0.2"),
                node("e1", "edge", "10.0.1.1", false, Map.of("rtmp", 2935, "http", 6080)));
        String conf = render(LbFormat.NGINX, nodes, LISTENERS).text();
        assertThat(nginxServers(conf, "aqueduct_rtmp_play")).containsExactly("10.0.0.1:1935", "10.0.0.2:1935");
        assertThat(nginxServers(conf, "aqueduct_http_play")).containsExactly("10.0.0.1:5080", "10.0.0.2:5080");
        assertThat(conf).contains("playback go to the edges (none is alive: to the origins);");
        String cfg = render(LbFormat.HAPROXY, nodes, LISTENERS).text();
        assertThat(haproxyServers(cfg, "rtmp_playback")).containsExactly("o1 10.0.0.1:1935", "o2 10.0.0.2:1935");
        assertThat(haproxyServers(cfg, "http_playback")).containsExactly("o1 10.0.0.1:5080", "o2 10.0.0.2:5080");
    }

    @Test
    void withoutOriginsNginxGetsADownPlaceholderAndHaproxyAnEmptyBackend() throws Exception {
        List<ClusterNode> nodes = List.of(edge("e1", "10.0.1.1"));
        String conf = render(LbFormat.NGINX, nodes, LISTENERS).text();
        assertThat(nginxServers(conf, "aqueduct_rtmp_publish")).containsExactly("127.0.0.1:9");
        assertThat(nginxServers(conf, "aqueduct_http_publish")).containsExactly("127.0.0.1:9");
        assertThat(directives(conf)).contains("server 127.0.0.1:9 down;");
        assertThat(nginxServers(conf, "aqueduct_rtmp_play")).containsExactly("10.0.1.1:2935");
        String cfg = render(LbFormat.HAPROXY, nodes, LISTENERS).text();
        assertThat(haproxyServers(cfg, "rtmp_origins")).isEmpty();
        assertThat(haproxyServers(cfg, "http_origins")).isEmpty();
        assertThat(haproxyServers(cfg, "rtmp_playback")).containsExactly("e1 10.0.1.1:2935");

        String empty = render(LbFormat.NGINX, List.of(), LISTENERS).text();
        for (String upstream : List.of("aqueduct_rtmp_publish", "aqueduct_rtmp_play", "aqueduct_http_publish",
                "aqueduct_http_play", "aqueduct_http_any")) {
            assertThat(nginxServers(empty, upstream)).as(upstream).containsExactly("127.0.0.1:9");
        }
    }

    @Test
    void nodesWithABadAddressOrWithoutPortsAreLeftOutAndNamed() throws Exception {
        List<ClusterNode> nodes = List.of(origin("good", "10.0.0.1"),
                origin("semicolon", "10.0.0.2; server 6.6.6.6:1935"),
                origin("bracketed", "[fd00::1]"),
                origin("three-dots", "10.0.0"),
                origin("octet", "10.0.0.256"),
                origin("blank", ""),
                node("nulladdr", "origin", null, true, Map.of("rtmp", 1935, "http", 5080)),
                node("no-rtmp", "edge", "10.0.1.1", true, Map.of("http", 6080)),
                node("no-http", "edge", "10.0.1.2", true, Map.of("rtmp", 2935)),
                node("zero", "edge", "10.0.1.3", true, Map.of("rtmp", 0, "http", 6080)),
                node("dead-bad", "origin", "no way", false, Map.of()));
        Rendered r = render(LbFormat.NGINX, nodes, LISTENERS);
        assertThat(r.skipped()).containsExactly(
                "blank: no address in the registry",
                "bracketed: address '[fd00::1]' is not an IPv4 address, an IPv6 address without brackets or a DNS "
                        + "host name",
                "no-http: no 'http' port in the registry",
                "no-rtmp: no 'rtmp' port in the registry",
                "nulladdr: no address in the registry",
                "octet: address '10.0.0.256' is not an IPv4 address, an IPv6 address without brackets or a DNS "
                        + "host name",
                "semicolon: address '10.0.0.2__server_6.6.6.6:1935' is not an IPv4 address, an IPv6 address "
                        + "without brackets or a DNS host name",
                "three-dots: address '10.0.0' is not an IPv4 address, an IPv6 address without brackets or a DNS "
                        + "host name",
                "zero: 'rtmp' port 0 is not from 1 to 65535");
        assertThat(nginxServers(r.text(), "aqueduct_rtmp_publish")).containsExactly("10.0.0.1:1935");
        assertThat(r.text()).doesNotContain("6.6.6.6");
    }

    @Test
    void addressesAreIpv4Ipv6OrHostNames() {
        for (String ok : List.of("10.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fd00::1", "1::",
                "2001:db8:0:0:0:0:0:1", "2001:DB8::8:800:200C:417A", "::ffff:10.0.0.1", "node-1", "a.b.example",
                "edge2.eu-west.internal", "x1.2c")) {
            assertThat(LbRenderer.addressProblem(ok)).as(ok).isNull();
        }
        for (String bad : List.of("1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1.2.3.4:80", "[::1]", "fe80::1%eth0",
                "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", ":1:2:3:4:5:6:7", "1.2.3.4::", "::1.2.3", "-a.example",
                "a-.example", "a..b", "a.example.", "under_score", "a b", "a\nb", "a;b", "a}b", "a#b", "ä.example",
                "a".repeat(64), "x.123")) {
            assertThat(LbRenderer.addressProblem(bad)).as(bad).isNotNull();
        }
    }

    @Test
    void anIdCannotInjectDirectives() throws Exception {
        String evil = "evil;} server 6.6.6.6:1935;\n\"#x' {y}$z\\";
        List<ClusterNode> nodes = List.of(origin(evil, "10.0.0.1"), edge(evil, "10.0.1.1"),
                node(evil + "bad", "edge", "1.2.3", true, Map.of("rtmp", 1, "http", 2)));
        for (LbFormat format : LbFormat.values()) {
            Rendered r = render(format, nodes, LISTENERS);
            String escaped = "evil___server_6.6.6.6:1935____x___y__z_";
            assertThat(LbRenderer.escape(evil)).isEqualTo(escaped);
            assertThat(r.text()).as(format + ": the id is there, escaped").contains(escaped);
            // the same lines as for a harmless id: nothing was added or broken up
            List<ClusterNode> harmless = List.of(origin("good", "10.0.0.1"), edge("good", "10.0.1.1"),
                    node("goodbad", "edge", "1.2.3", true, Map.of("rtmp", 1, "http", 2)));
            assertThat(r.text().lines().count()).isEqualTo(render(format, harmless, LISTENERS).text().lines().count());
            for (String directive : directives(r.text())) {
                List<String> words = List.of(directive.split("\\s+"));
                assertThat(words).as(format + ": the injected server is a word of\n" + directive)
                        .noneMatch(w -> w.startsWith("6.6.6.6"));
                assertThat(directive).doesNotContain("evil;").doesNotContain("\"");
            }
            assertThat(r.skipped()).singleElement().asString().startsWith(escaped + "bad: ").doesNotContain("\n");
        }
        // HAProxy names: its own character set, no [ / ]
        String cfg = render(LbFormat.HAPROXY, nodes, LISTENERS).text();
        assertThat(haproxyServers(cfg, "rtmp_origins")).containsExactly(
                "evil___server_6.6.6.6:1935____x___y__z_ 10.0.0.1:1935");
    }

    @Test
    void haproxyServerNamesAreUniqueWithinABackend() throws Exception {
        // three ids that escape to the same name, and one that is already what the first suffix would be
        List<ClusterNode> nodes = List.of(origin("a b", "10.0.0.1"), origin("a;b", "10.0.0.2"),
                origin("a_b_2", "10.0.0.3"), origin("a/b", "10.0.0.4"), origin("", "10.0.0.5"));
        String cfg = render(LbFormat.HAPROXY, nodes, LISTENERS).text();
        List<String> names = haproxyServers(cfg, "rtmp_origins").stream().map(s -> s.split(" ")[0]).toList();
        // sorted by id: "", "a b", "a/b", "a;b", "a_b_2"
        assertThat(names).containsExactly("node", "a_b", "a_b_2", "a_b_3", "a_b_2_2").doesNotHaveDuplicates();
        assertThat(names).allMatch(n -> n.matches("[A-Za-z0-9._:-]+"));
    }

    @Test
    void ipv6AddressesAreBracketedWithTheirPort() throws Exception {
        List<ClusterNode> nodes = List.of(origin("o1", "fd00::1"), edge("e1", "::ffff:10.0.1.1"));
        assertThat(nginxServers(render(LbFormat.NGINX, nodes, LISTENERS).text(), "aqueduct_rtmp_publish"))
                .containsExactly("[fd00::1]:1935");
        assertThat(haproxyServers(render(LbFormat.HAPROXY, nodes, LISTENERS).text(), "rtmp_playback"))
                .containsExactly("e1 [::ffff:10.0.1.1]:2935");
    }

    @Test
    void equalRegistriesRenderByteIdenticalTextInAnyOrder() throws Exception {
        List<ClusterNode> nodes = new ArrayList<>(cluster());
        for (LbFormat format : LbFormat.values()) {
            String first = render(format, nodes, LISTENERS).text();
            Random random = new Random(7);
            for (int i = 0; i < 10; i++) {
                Collections.shuffle(nodes, random);
                assertThat(render(format, nodes, LISTENERS).text()).as(format + " in order " + nodes).isEqualTo(first);
            }
            List<ClusterNode> changed = new ArrayList<>(nodes);
            changed.remove(0);
            changed.add(origin("origin-c", "10.0.0.3"));
            assertThat(render(format, changed, LISTENERS).text()).as("membership changed").isNotEqualTo(first);
        }
    }

    @Test
    void tlsAddsHttpsAndRtmpsListenersToTheOrigins() throws Exception {
        String off = render(LbFormat.NGINX, cluster(), LISTENERS).text();
        assertThat(off).doesNotContain("ssl", "443", "1937", "cert.pem");
        String on = render(LbFormat.NGINX, cluster(), TLS).text();
        assertThat(on).containsPattern(block("listen 0.0.0.0:1937 ssl;", "ssl_certificate /etc/lb/cert.pem;",
                "ssl_certificate_key /etc/lb/cert.pem.key;", "proxy_pass aqueduct_rtmp_publish;"))
                .containsPattern(block("listen 0.0.0.0:80;", "(#.*\\s+)*listen 0.0.0.0:443 ssl;",
                        "ssl_certificate /etc/lb/cert.pem;",
                        "ssl_certificate_key /etc/lb/cert.pem.key;"));
        assertThat(directives(on)).as("no stream module to load").noneMatch(d -> d.startsWith("load_module"));

        Map<String, List<String>> plain = haproxySections(render(LbFormat.HAPROXY, cluster(), LISTENERS).text());
        assertThat(plain.get("frontend http")).noneMatch(d -> d.contains("443"));
        Map<String, List<String>> tls = haproxySections(render(LbFormat.HAPROXY, cluster(), TLS).text());
        assertThat(tls.get("frontend rtmp_publish")).contains("bind 0.0.0.0:1935", "bind 0.0.0.0:1937 ssl crt /etc/lb/cert.pem",
                "default_backend rtmp_origins");
        assertThat(tls.get("frontend http")).contains("bind 0.0.0.0:80", "bind 0.0.0.0:443 ssl crt /etc/lb/cert.pem alpn http/1.1",
                "http-request set-header X-Forwarded-Proto https if { ssl_fc }");
    }

    @Test
    void templateErrorsNameTheLine() {
        List<ClusterNode> nodes = cluster();
        assertThatThrownBy(() -> LbRenderer.render(LbFormat.NGINX, "upstream x {\n{{#origins}}\n  server {{adress}}:1;\n"
                + "{{/origins}}\n}\n", nodes, LISTENERS, REGISTRY)).isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("template line 3: unknown name 'adress'").hasMessageContaining("address");
        assertThatThrownBy(() -> LbRenderer.render(LbFormat.NGINX, "# a\n{{#edges}}\n{{#tls}}\n{{/edges}}\n", nodes,
                LISTENERS, REGISTRY)).hasMessage("template line 4: {{/edges}} does not close {{#tls}} opened on line 3");
        assertThatThrownBy(() -> LbRenderer.render(LbFormat.HAPROXY, "\n\n{{^origins}}\nnone\n", nodes, LISTENERS,
                REGISTRY)).hasMessage("template line 3: {{^origins}} is never closed with {{/origins}}");
        assertThatThrownBy(() -> LbRenderer.render(LbFormat.HAPROXY, "{{#nodes}}{{role}}{{/nodes}}{{originCont}}",
                List.of(), LISTENERS, REGISTRY)).hasMessageStartingWith("template line 1: unknown name 'originCont'");
    }

    @Test
    void everyDocumentedNameRenders() throws Exception {
        String all = """
                {{#origins}}{{id}} {{name}} {{address}} {{host}} {{rtmp}} {{http}} {{role}}|{{/origins}}
                {{#edges}}{{id}}|{{/edges}} {{#nodes}}{{id}}|{{/nodes}} {{#playback}}{{id}}|{{/playback}}
                {{originCount}} {{edgeCount}} {{rtmpPublishPort}} {{rtmpPlayPort}} {{httpPort}} {{httpsPort}}
                {{rtmpsPort}} {{#tls}}tls{{/tls}} {{tlsCertificate}} {{tlsKey}} {{runtimeDir}}
                {{#streamModule}}{{streamModule}}{{/streamModule}}{{^streamModule}}built-in{{/streamModule}} {{registry}}
                """;
        List<ClusterNode> nodes = List.of(origin("o1", "10.0.0.1"), edge("e1", "10.0.1.1"));
        assertThat(LbRenderer.render(LbFormat.NGINX, all, nodes, TLS, "r").text()).isEqualTo("""
                o1 o1 10.0.0.1 10.0.0.1 1935 5080 origin|
                e1| e1|o1| e1|
                1 1 1935 1936 80 443
                1937 tls /etc/lb/cert.pem /etc/lb/cert.pem.key /run/lb
                built-in r
                """);
    }

    @Test
    void formatsParseByName() {
        assertThat(LbFormat.parse("nginx")).isEqualTo(LbFormat.NGINX);
        assertThat(LbFormat.parse(" HAProxy ")).isEqualTo(LbFormat.HAPROXY);
        assertThat(LbFormat.NGINX.configName()).isEqualTo("nginx");
        assertThat(LbFormat.HAPROXY.templateFile()).isEqualTo("haproxy.cfg");
        assertThatThrownBy(() -> LbFormat.parse("envoy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown load balancer format 'envoy'; expected one of nginx, haproxy");
        assertThatThrownBy(() -> LbFormat.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listenersRefuseWhatCouldBreakTheConfiguration() {
        assertThat(LbListeners.DEFAULTS).isEqualTo(new LbListeners(1935, 1936, 80, 443, 1937, "", "",
                "/run/aqueduct-lb", "/usr/lib/nginx/modules/ngx_stream_module.so"));
        assertThat(LbListeners.DEFAULTS.tls()).isFalse();
        assertThat(TLS.tls()).isTrue();
        for (String bad : List.of("/a b", "/a;", "/a{", "/a}", "/a#", "/a\"", "/a'", "/a$b", "/a\\b", "/a\nb",
                "/a\tb", "/a\u0007")) {
            assertThatThrownBy(() -> new LbListeners(1935, 1936, 80, 443, 1937, "", "", bad, ""))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("runtimeDir '")
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> new LbListeners(1935, 1936, 80, 443, 1937, bad, "/k", "/run", ""))
                    .as(bad).hasMessageStartingWith("tlsCertificate '");
            assertThatThrownBy(() -> new LbListeners(1935, 1936, 80, 443, 1937, "/c", bad, "/run", ""))
                    .as(bad).hasMessageStartingWith("tlsKey '");
            assertThatThrownBy(() -> new LbListeners(1935, 1936, 80, 443, 1937, "", "", "/run", bad))
                    .as(bad).hasMessageStartingWith("nginxStreamModule '");
        }
        assertThatThrownBy(() -> new LbListeners(1935, 1936, 80, 443, 1937, "", "", "run", ""))
                .hasMessage("runtimeDir must be an absolute path: 'run'");
        assertThatThrownBy(() -> new LbListeners(1935, 1936, 80, 443, 1937, "/c", "", "/run", ""))
                .hasMessageStartingWith("TLS needs both tlsCertificate and tlsKey");
        assertThatThrownBy(() -> new LbListeners(1935, 1936, 1935, 443, 1937, "", "", "/run", ""))
                .hasMessage("httpPort 1935 is already taken by another listener");
        assertThatThrownBy(() -> new LbListeners(1935, 1936, 80, 65536, 1937, "/c", "/k", "/run", ""))
                .hasMessage("httpsPort must be a port from 1 to 65535: 65536");
        // without TLS the HTTPS and RTMPS ports are not used, so they may be anything valid
        assertThat(new LbListeners(1935, 1936, 80, 80, 80, "", "", "/run", "").tls()).isFalse();
    }

    /** Lines that follow each other, whitespace between them free. */
    private static Pattern block(String... lines) {
        return Pattern.compile(String.join("\\s+", List.of(lines).stream().map(l -> l.startsWith("(")
                ? l : Pattern.quote(l)).toList()));
    }
}
