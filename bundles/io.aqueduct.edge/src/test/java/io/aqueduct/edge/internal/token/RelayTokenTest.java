package io.aqueduct.edge.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RelayTokenTest {
    private static final byte[] SECRET = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER = "another cluster's secret value".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.123Z");

    @Test
    void aFreshTokenIsValidForItsEdge() {
        String token = RelayToken.issue(SECRET, "edge-1", NOW);
        assertThat(token).matches("v1\\.[A-Za-z0-9_-]+\\.1714564800123\\.[A-Za-z0-9_-]{43}");
        assertThat(RelayToken.verify(SECRET, token, "edge-1", NOW)).isNull();
        assertThat(RelayToken.verify(SECRET, token, null, NOW)).as("any edge").isNull();
    }

    @Test
    void edgeIdsOfAnyCharactersRoundTrip() {
        String longest = "x".repeat(RelayToken.MAX_EDGE_ID_BYTES);
        for (String id : new String[] {"a", "edge|with|bars", "ëdge.ünïcode", longest}) {
            assertThat(RelayToken.verify(SECRET, RelayToken.issue(SECRET, id, NOW), id, NOW)).as(id).isNull();
        }
    }

    @Test
    void anotherSecretIsABadSignature() {
        String token = RelayToken.issue(OTHER, "edge-1", NOW);
        assertThat(RelayToken.verify(SECRET, token, "edge-1", NOW)).isEqualTo("bad signature");
    }

    @Test
    void aForgedEdgeIdOrTimeIsABadSignature() {
        String[] parts = RelayToken.issue(SECRET, "edge-1", NOW).split("\\.");
        String otherEdge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("edge-2".getBytes(StandardCharsets.UTF_8));
        assertThat(RelayToken.verify(SECRET, String.join(".", parts[0], otherEdge, parts[2], parts[3]), "edge-2", NOW))
                .isEqualTo("bad signature");
        String later = Long.toString(NOW.toEpochMilli() + 1);
        assertThat(RelayToken.verify(SECRET, String.join(".", parts[0], parts[1], later, parts[3]), "edge-1", NOW))
                .isEqualTo("bad signature");
        String zeros = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        assertThat(RelayToken.verify(SECRET, String.join(".", parts[0], parts[1], parts[2], zeros), "edge-1", NOW))
                .isEqualTo("bad signature");
    }

    @Test
    void everyTruncationIsRefusedWithAReason() {
        String token = RelayToken.issue(SECRET, "edge-1", NOW);
        for (int n = 0; n < token.length(); n++) {
            assertThat(RelayToken.verify(SECRET, token.substring(0, n), "edge-1", NOW)).as("first %d chars", n)
                    .isIn("malformed", "bad signature");
        }
    }

    @Test
    void garbageIsMalformed() {
        for (String bad : new String[] {"", "v1", "v1...", "v1.!!.1.x", "v1.ZQ.-5.c2ln", "v1.ZQ.12x.c2ln",
                "v1.ZQ.1.c2ln.extra", "v1..1.c2ln", "v1.ZQ.99999999999999999999.c2ln", "x".repeat(600),
                "v1.wyg.1.c2ln" /* not UTF-8 */}) {
            assertThat(RelayToken.verify(SECRET, bad, null, NOW)).as(bad).isEqualTo("malformed");
        }
        assertThat(RelayToken.verify(SECRET, null, null, NOW)).isEqualTo("malformed");
        assertThat(RelayToken.verify(SECRET, "v2.ZQ.1.c2ln", null, NOW)).isEqualTo("unsupported version");
    }

    @Test
    void aTokenOfAnotherEdgeIsRefused() {
        String token = RelayToken.issue(SECRET, "edge-1", NOW);
        assertThat(RelayToken.verify(SECRET, token, "edge-2", NOW)).isEqualTo("issued for edge edge-1");
    }

    @Test
    void validFiveMinutesEitherWay() {
        String token = RelayToken.issue(SECRET, "edge-1", NOW);
        Duration five = RelayToken.VALIDITY;
        assertThat(RelayToken.verify(SECRET, token, "edge-1", NOW.plus(five))).isNull();
        assertThat(RelayToken.verify(SECRET, token, "edge-1", NOW.minus(five))).as("an origin clock behind").isNull();
        assertThat(RelayToken.verify(SECRET, token, "edge-1", NOW.plus(five).plusMillis(1))).isEqualTo("expired");
        assertThat(RelayToken.verify(SECRET, token, "edge-1", NOW.minus(five).minusMillis(1)))
                .isEqualTo("issued in the future");
    }

    @Test
    void aShortOrMissingSecretIsRefusedOnBothSides() {
        byte[] shortSecret = new byte[RelayToken.MIN_SECRET_BYTES - 1];
        assertThatThrownBy(() -> RelayToken.issue(shortSecret, "edge-1", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 bytes");
        String token = RelayToken.issue(SECRET, "edge-1", NOW);
        assertThat(RelayToken.verify(shortSecret, token, "edge-1", NOW))
                .isEqualTo("no usable cluster secret on this node");
        assertThat(RelayToken.verify(null, token, "edge-1", NOW)).isEqualTo("no usable cluster secret on this node");
    }

    @Test
    void edgeIdsMustFitInAHello() {
        assertThatThrownBy(() -> RelayToken.issue(SECRET, "", NOW)).hasMessageContaining("1 to 256");
        assertThatThrownBy(() -> RelayToken.issue(SECRET, "x".repeat(257), NOW)).hasMessageContaining("not 257");
        String longest = RelayToken.issue(SECRET, "é".repeat(128), NOW);
        assertThat(longest.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512);
    }
}
