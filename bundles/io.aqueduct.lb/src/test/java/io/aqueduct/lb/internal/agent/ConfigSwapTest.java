package io.aqueduct.lb.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.lb.internal.render.LbFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The swap with real shell commands standing for the balancer's validator and reload. */
class ConfigSwapTest {
    @TempDir
    Path home;

    private LbSettings settings(String validate, String reload) {
        Map<String, Object> p = new HashMap<>();
        p.put("validate.command", validate);
        p.put("reload.command", reload);
        return LbSettings.parse(p, home);
    }

    @Test
    void anAcceptedConfigurationReplacesTheTargetAndTheBalancerIsReloaded() throws Exception {
        Path reloaded = home.resolve("reloaded");
        // the validator sees the candidate, not the target
        LbSettings s = settings("grep -q 'server 10.0.0.1' {file}", "cp {target} " + reloaded);
        ConfigSwap.Outcome first = ConfigSwap.apply("upstream { server 10.0.0.1:1935; }\n", s);
        assertThat(first).isEqualTo(new ConfigSwap.Outcome(true, null));
        assertThat(s.target()).isEqualTo(home.resolve("data/lb/nginx.conf"));
        assertThat(Files.readString(s.target())).isEqualTo("upstream { server 10.0.0.1:1935; }\n");
        assertThat(Files.readString(reloaded)).isEqualTo(Files.readString(s.target()));
        try (var files = Files.list(s.target().getParent())) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no candidate left").containsOnly(
                    "nginx.conf", "run");
        }
    }

    @Test
    void aRefusedConfigurationLeavesTheRunningOneAndSaysWhy() throws Exception {
        LbSettings s = settings("grep -q 'server 10.0.0.1' {file} || { echo 'nginx: [emerg] unexpected \"}\" in "
                + "{file}:3'; exit 1; }", "true");
        assertThat(ConfigSwap.apply("server 10.0.0.1;\n", s).problem()).isNull();
        ConfigSwap.Outcome refused = ConfigSwap.apply("garbage }\n", s);
        assertThat(refused.written()).isFalse();
        assertThat(refused.problem()).contains("refused by").contains("(exit 1)")
                .contains("nginx: [emerg] unexpected \"}\"").endsWith("the balancer keeps its current configuration");
        assertThat(Files.readString(s.target())).isEqualTo("server 10.0.0.1;\n");
    }

    @Test
    void anUnwritableTargetIsReportedAndNothingIsRun() throws Exception {
        Path marker = home.resolve("validated");
        Files.writeString(home.resolve("a-file"), "x");
        Map<String, Object> p = new HashMap<>();
        p.put("target", "a-file/nginx.conf"); // its directory is a file: not even root can write there
        p.put("validate.command", "touch " + marker);
        ConfigSwap.Outcome outcome = ConfigSwap.apply("server 10.0.0.1;\n", LbSettings.parse(p, home));
        assertThat(outcome.written()).isFalse();
        assertThat(outcome.problem()).startsWith("cannot write the rendered configuration next to " + home.resolve(
                "a-file/nginx.conf"));
        assertThat(marker).doesNotExist();
    }

    @Test
    void aFailedReloadIsReportedWithTheConfigurationInPlace() throws Exception {
        LbSettings s = settings("true", "echo 'nginx: [error] open() \"{runtime}/nginx.pid\" failed'; exit 1");
        ConfigSwap.Outcome outcome = ConfigSwap.apply("x\n", s);
        assertThat(outcome.written()).isTrue();
        assertThat(outcome.problem()).contains("the configuration is in place but the reload")
                .contains(home.resolve("data/lb/run/nginx.pid").toString()).contains("(exit 1)");
    }

    @Test
    void aCommandThatHangsIsNotWaitedForeverAndOutputIsKept() {
        assertThat(ConfigSwap.run("echo one; echo two >&2; exit 3"))
                .isEqualTo(new ConfigSwap.Result(3, "one | two"));
        assertThat(ConfigSwap.run("true").output()).isEqualTo("(no output)");
    }

    @Test
    void settingsHaveSafeDefaultsPerFormatAndRefuseBadValues() {
        LbSettings nginx = LbSettings.parse(Map.of(), home);
        assertThat(nginx.format()).isEqualTo(LbFormat.NGINX);
        assertThat(nginx.template()).isEqualTo(home.resolve("lb-templates/nginx.conf"));
        assertThat(nginx.validateCommandFor(Path.of("/x/c.conf"))).isEqualTo("nginx -t -q -c /x/c.conf");
        LbSettings haproxy = LbSettings.parse(Map.of("format", "HAProxy"), home);
        assertThat(haproxy.target()).isEqualTo(home.resolve("data/lb/haproxy.cfg"));
        assertThat(haproxy.reloadCommandNow()).isEqualTo("kill -USR2 $(cat " + home.resolve("data/lb/run")
                + "/haproxy.pid)");
        assertThat(haproxy.listeners().rtmpPublishPort()).isEqualTo(1935);
        assertThatThrownBy(() -> LbSettings.parse(Map.of("format", "traefik"), home))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("traefik");
        assertThatThrownBy(() -> LbSettings.parse(Map.of("target", "x; rm -rf /"), home))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("target");
        assertThatThrownBy(() -> LbSettings.parse(Map.of("tls.certificate", "c.pem"), home))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("tls.key");
        assertThatThrownBy(() -> LbSettings.parse(Map.of("listen.http", "99999"), home))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("listen.http");
    }
}
