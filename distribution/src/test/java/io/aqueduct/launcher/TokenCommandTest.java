package io.aqueduct.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.http.ApiTokenStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Path home, String... args) {
        out.reset();
        err.reset();
        return new TokenCommand(home, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
    }

    @Test
    void createPrintsTheTokenOnceListShowsNamesRevokeRemoves(@TempDir Path home) throws Exception {
        assertEquals(TokenCommand.OK, run(home, "create", "ci"));
        Matcher m = Pattern.compile("(?m)^(aqd_\\S+)$").matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(m.find(), out.toString(StandardCharsets.UTF_8));
        String token = m.group(1);
        assertEquals("ci", ApiTokenStore.of(home).verify(token).orElseThrow());
        assertFalse(Files.readString(home.resolve(ApiTokenStore.FILE)).contains(token));

        assertEquals(TokenCommand.OK, run(home, "list"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("ci\tcreated "), out.toString(StandardCharsets.UTF_8));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains(token));

        assertEquals(TokenCommand.OK, run(home, "revoke", "ci"));
        assertTrue(ApiTokenStore.of(home).verify(token).isEmpty());
        assertEquals(TokenCommand.FAILED, run(home, "revoke", "ci"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no token named ci"));
    }

    @Test
    void badArgumentsChangeNothing(@TempDir Path home) {
        assertEquals(TokenCommand.REJECTED, run(home));
        assertEquals(TokenCommand.REJECTED, run(home, "create"));
        assertEquals(TokenCommand.REJECTED, run(home, "create", "bad name"));
        assertEquals(TokenCommand.REJECTED, run(home, "frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(TokenCommand.USAGE));
        assertFalse(Files.exists(home.resolve(ApiTokenStore.FILE)));
        assertEquals(TokenCommand.OK, run(home, "create", "ci"));
        assertEquals(TokenCommand.REJECTED, run(home, "create", "ci"));
    }
}
