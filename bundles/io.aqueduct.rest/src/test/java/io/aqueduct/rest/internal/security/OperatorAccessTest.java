package io.aqueduct.rest.internal.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.api.http.ApiTokenStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Hashtable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorAccessTest {
    @TempDir
    Path home;

    /** The launcher's form: {sha-256}<hex salt>-<iterations>-<base64 of SHA-256 applied iterations times>. */
    private static String launcherHash(String password, String salt, int iterations) throws Exception {
        byte[] bytes = (salt + password).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < iterations; i++) {
            bytes = MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        return "{sha-256}" + salt + "-" + iterations + "-" + Base64.getEncoder().encodeToString(bytes);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private OperatorAccess access(boolean clusterPagePublic) throws Exception {
        Hashtable<String, Object> config = new Hashtable<>();
        config.put("username", "admin");
        config.put("password", launcherHash("s3cret-pass", "0a1b2c3d4e5f6071", 1000));
        ConsoleLogin login = ConsoleLogin.from(config, k -> null);
        return new OperatorAccess(() -> login, ApiTokenStore.of(home), clusterPagePublic);
    }

    @Test
    void withoutCredentialsEveryOperatorPathIsRefusedWithTheReason() throws Exception {
        OperatorAccess access = access(false);
        for (String path : new String[] {"/rest/v2/cluster/nodes", "/cluster.html", "/rest/v2/hls/streams"}) {
            OperatorAccess.Decision d = access.decide("GET", path, null);
            assertThat(d.allowed()).as(path).isFalse();
            assertThat(d.credentialsSent()).isFalse();
            assertThat(d.reason()).isEqualTo(OperatorAccess.NO_CREDENTIALS);
        }
        assertThat(access.decide("DELETE", "/rest/v2/cluster/nodes/x", null).allowed()).isFalse();
    }

    @Test
    void theConsolesAdminLoginIsAccepted() throws Exception {
        OperatorAccess access = access(false);
        OperatorAccess.Decision ok = access.decide("DELETE", "/rest/v2/cluster/nodes/x", basic("admin", "s3cret-pass"));
        assertThat(ok.allowed()).isTrue();
        assertThat(ok.principal()).isEqualTo("admin");

        assertThat(access.decide("GET", "/cluster.html", basic("admin", "wrong")).reason())
                .isEqualTo("wrong user name or password");
        assertThat(access.decide("GET", "/cluster.html", basic("root", "s3cret-pass")).allowed()).isFalse();
        assertThat(access.decide("GET", "/cluster.html", "Basic !!!").reason()).isEqualTo("malformed Basic credentials");
        assertThat(access.decide("GET", "/cluster.html", "Basic " + Base64.getEncoder().encodeToString(
                "no-colon".getBytes(StandardCharsets.UTF_8))).reason()).isEqualTo("malformed Basic credentials");
        assertThat(access.decide("GET", "/cluster.html", "Digest x").reason()).startsWith("unsupported");
    }

    @Test
    void anApiTokenIsAcceptedUntilItIsRevoked() throws Exception {
        OperatorAccess access = access(false);
        String token = ApiTokenStore.of(home).create("ci", Instant.now());
        OperatorAccess.Decision ok = access.decide("GET", "/rest/v2/cluster/nodes", "Bearer " + token);
        assertThat(ok.allowed()).isTrue();
        assertThat(ok.principal()).isEqualTo("token:ci");

        ApiTokenStore.of(home).revoke("ci");
        OperatorAccess.Decision revoked = access.decide("GET", "/rest/v2/cluster/nodes", "Bearer " + token);
        assertThat(revoked.allowed()).isFalse();
        assertThat(revoked.credentialsSent()).isTrue();
        assertThat(revoked.reason()).isEqualTo("unknown or revoked API token");
    }

    @Test
    void aPublicClusterPageIsTheOperatorsChoiceAndCoversReadsOnly() throws Exception {
        OperatorAccess access = access(true);
        assertThat(access.decide("GET", "/cluster.html", null).allowed()).isTrue();
        assertThat(access.decide("GET", "/cluster/cluster.js", null).allowed()).isTrue();
        assertThat(access.decide("HEAD", "/rest/v2/cluster/nodes", null).allowed()).isTrue();
        assertThat(access.decide("DELETE", "/rest/v2/cluster/nodes/x", null).allowed()).isFalse();
        assertThat(access.decide("GET", "/rest/v2/recordings", null).allowed()).isFalse();
        assertThat(access.decide("GET", "/rest/v2/cluster/nodes", basic("admin", "wrong")).allowed())
                .as("wrong credentials stay wrong").isFalse();
    }

    @Test
    void theConsoleLoginFollowsItsConfigurationAndFrameworkProperties() throws Exception {
        assertThat(ConsoleLogin.from(null, k -> null).matches("admin", "admin"))
                .as("no password configured: nothing matches, not the console's default").isFalse();
        ConsoleLogin fromFramework = ConsoleLogin.from(null,
                k -> k.equals("felix.webconsole.password") ? "plain-password" : null);
        assertThat(fromFramework.matches("admin", "plain-password")).isTrue();
        assertThat(fromFramework.realm()).isEqualTo(ConsoleLogin.DEFAULT_REALM);
        assertThat(ConsoleLogin.passwordMatches(launcherHash("x", "", 1).replace("{sha-256}--1-", "{sha-256}"), "x"))
                .as("an unsalted hash").isTrue();
        assertThat(ConsoleLogin.passwordMatches("{sha-256}ab-notanumber-AAAA", "x")).isFalse();
    }

    @Test
    void tokensNeedAnInstallationDirectory() throws IOException {
        OperatorAccess noTokens = new OperatorAccess(() -> ConsoleLogin.from(null, k -> null), null, false);
        assertThat(noTokens.decide("GET", "/rest/v2/cluster/nodes", "Bearer aqd_" + "A".repeat(43)).allowed())
                .isFalse();
    }
}
