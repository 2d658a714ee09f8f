package io.aqueduct.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenStoreTest {
    private static final Instant NOW = Instant.parse("2026-12-08T03:00:00Z");

    @TempDir
    Path home;

    @Test
    void aCreatedTokenIsVerifiedByItsNameAndOnlyItsHashIsStored() throws IOException {
        ApiTokenStore cli = ApiTokenStore.of(home);
        String token = cli.create("ci", NOW);

        assertThat(token).startsWith(ApiTokenStore.PREFIX).hasSize(ApiTokenStore.PREFIX.length() + 43);
        Path file = home.resolve(ApiTokenStore.FILE);
        assertThat(Files.readString(file)).doesNotContain(token).doesNotContain(token.substring(4)).contains("ci\t");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        ApiTokenStore node = ApiTokenStore.of(home);
        assertThat(node.verify(token)).contains("ci");
        assertThat(node.list()).containsExactly(new ApiTokenStore.TokenInfo("ci", NOW));
    }

    @Test
    void wrongMalformedAndMissingTokensAreRefused() throws IOException {
        ApiTokenStore store = ApiTokenStore.of(home);
        assertThat(store.verify("aqd_" + "A".repeat(43))).as("no file yet").isEmpty();
        String token = store.create("ci", NOW);
        char last = token.charAt(token.length() - 1);
        String other = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(store.verify(other)).isEmpty();
        assertThat(store.verify(token + "x")).isEmpty();
        assertThat(store.verify("")).isEmpty();
        assertThat(store.verify(null)).isEmpty();
    }

    @Test
    void theRunningNodeSeesTokensMadeAndRevokedByAnotherProcess() throws IOException {
        ApiTokenStore node = ApiTokenStore.of(home);
        ApiTokenStore cli = ApiTokenStore.of(home);
        String first = cli.create("first", NOW);
        assertThat(node.verify(first)).contains("first");

        String second = ApiTokenStore.of(home).create("second", NOW.plusSeconds(1));
        assertThat(node.verify(second)).contains("second");

        assertThat(ApiTokenStore.of(home).revoke("first")).isTrue();
        assertThat(node.verify(first)).as("revoked").isEmpty();
        assertThat(node.verify(second)).contains("second");
        assertThat(cli.revoke("first")).as("already gone").isFalse();
        assertThat(cli.list()).extracting(ApiTokenStore.TokenInfo::name).containsExactly("second");
    }

    @Test
    void badAndDuplicateNamesAreRefused() throws IOException {
        ApiTokenStore store = ApiTokenStore.of(home);
        store.create("ci", NOW);
        assertThatThrownBy(() -> store.create("ci", NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already a token named ci");
        assertThatThrownBy(() -> store.create("a b\nc", NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b?c'");
        assertThatThrownBy(() -> store.create("-x", NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("x".repeat(65), NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDamagedFileAcceptsNoTokenAndSaysWhichLine() throws IOException {
        ApiTokenStore store = ApiTokenStore.of(home);
        String token = store.create("ci", NOW);
        Path file = home.resolve(ApiTokenStore.FILE);
        Files.writeString(file, Files.readString(file) + "garbage line\n", StandardCharsets.UTF_8);

        assertThat(ApiTokenStore.of(home).verify(token)).isEmpty();
        assertThatThrownBy(store::list).isInstanceOf(IOException.class).hasMessageContaining("line 3");
    }
}
