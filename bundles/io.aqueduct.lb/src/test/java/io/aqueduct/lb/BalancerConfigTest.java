package io.aqueduct.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.config.InvalidSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported face of the renderer, as bin/aqueduct lb render uses it: the lb node's settings and templates. */
class BalancerConfigTest {
    @TempDir
    Path home;

    private static ClusterNode node(String id, String role, int rtmp, int http) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new ClusterNode(id, "10.0.0.5", Map.of("rtmp", rtmp, "http", http), role, "", "test", t, 0, 0, 0, 0,
                0, t, Duration.ZERO, true);
    }

    @Test
    void rendersTheTemplateOfTheHomeForTheNodes() throws Exception {
        Files.createDirectories(home.resolve("lb-templates"));
        Files.copy(Path.of("../../lb-templates/haproxy.cfg"), home.resolve("lb-templates/haproxy.cfg"));
        BalancerConfig config = BalancerConfig.of(Map.of("format", "haproxy", "listen.http", "8080"), home);

        Rendered r = config.render(List.of(node("origin-1", "origin", 1935, 5080), node("edge-1", "edge", 1936, 5081)),
                "mongodb://aq:***@db1/");

        assertThat(config.format()).isEqualTo("haproxy");
        assertThat(config.template()).isEqualTo(home.resolve("lb-templates/haproxy.cfg"));
        assertThat(config.runtimeDirectory()).isEqualTo(home.resolve("data/lb/run"));
        assertThat(r.text()).contains("10.0.0.5:1935", "10.0.0.5:5081", ":8080", "pidfile " + home.resolve(
                "data/lb/run/haproxy.pid"), "mongodb://aq:____db1/");
        assertThat(r.skipped()).isEmpty();
    }

    @Test
    void badSettingsAndTemplatesSayWhat() throws Exception {
        assertThatThrownBy(() -> BalancerConfig.of(Map.of("format", "traefik"), home))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("traefik");
        BalancerConfig missing = BalancerConfig.of(Map.of(), home);
        assertThatThrownBy(() -> missing.render(List.of(), "")).isInstanceOf(java.io.IOException.class);
        Files.createDirectories(home.resolve("lb-templates"));
        Files.writeString(home.resolve("lb-templates/nginx.conf"), "a\n{{unknownName}}\n");
        assertThatThrownBy(() -> missing.render(List.of(), "")).isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("template line 2");
    }
}
