package io.aqueduct.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsolePasswordTest {

    /** The Web Console's own verifier (package-private in its jar): our hashes must pass it. */
    private static boolean webConsoleAccepts(String stored, String typed) throws Exception {
        Class<?> password = Class.forName("org.apache.felix.webconsole.internal.servlet.Password");
        Constructor<?> c = password.getDeclaredConstructor(String.class);
        c.setAccessible(true);
        Method matches = password.getDeclaredMethod("matches", byte[].class);
        matches.setAccessible(true);
        return (Boolean) matches.invoke(c.newInstance(stored), (Object) typed.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hashesAreAcceptedByTheWebConsoleForTheRightPasswordOnly() throws Exception {
        String hashed = ConsolePassword.hash("s3cret-Pass");
        assertTrue(hashed.matches("\\{sha-256}[0-9a-f]{16}-1000-[A-Za-z0-9+/]+=*"), hashed);
        assertTrue(webConsoleAccepts(hashed, "s3cret-Pass"));
        assertFalse(webConsoleAccepts(hashed, "s3cret-pass"));
        assertFalse(webConsoleAccepts(hashed, "admin"));
    }

    @Test
    void saltMakesEveryHashDifferent() {
        assertNotEquals(ConsolePassword.hash("same-password"), ConsolePassword.hash("same-password"));
    }

    @Test
    void theWebConsoleDefaultIsAdmin() throws Exception {
        // what the console falls back to without our framework property: why the launcher always sets it
        assertTrue(webConsoleAccepts("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=", "admin"));
    }

    @Test
    void generatedPasswordsAreLongAndDiffer() {
        String a = ConsolePassword.generate();
        assertEquals(20, a.length());
        assertNotEquals(a, ConsolePassword.generate());
        assertNull(ConsolePassword.problem(a));
    }

    @Test
    void shortOrControlCharacterPasswordsAreRefused() {
        assertTrue(ConsolePassword.problem("short").contains("at least 8"));
        assertTrue(ConsolePassword.problem("long enough\n").contains("control"));
        assertTrue(ConsolePassword.problem(null).contains("at least 8"));
    }

    @Test
    void storeKeepsOtherConsoleSettingsAndHidesTheFile(@TempDir Path home) throws Exception {
        Path file = ConsolePassword.file(home);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# console\nmanager.root = /console\npassword = old\n");
        String hashed = ConsolePassword.store(home, "new-password");

        assertEquals(hashed, ConsolePassword.stored(home));
        String text = Files.readString(file);
        assertTrue(text.contains("manager.root = /console"), text);
        assertTrue(text.contains("username = admin"), text);
        assertFalse(text.contains("new-password"), text);
        assertEquals(java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
        assertTrue(webConsoleAccepts(ConsolePassword.stored(home), "new-password"));
    }

    @Test
    void bannerNamesUserPasswordAndHowToChangeIt() {
        String banner = ConsolePassword.banner("Abc123", "http://127.0.0.1:5080/system/console");
        assertTrue(banner.contains("user:        admin"));
        assertTrue(banner.contains("password:    Abc123"));
        assertTrue(banner.contains("bin/aqueduct password"));
    }

    @Test
    void aGeneratedPasswordIsKeptForItsOwnerOnlyAndTheLogBannerNamesTheFile(@TempDir Path home) throws Exception {
        ConsolePassword.storeGenerated(home, "Generated-123");
        Path kept = home.resolve(ConsolePassword.GENERATED_FILE);
        assertEquals("Generated-123\n", Files.readString(kept));
        assertEquals(java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(kept));
        assertTrue(webConsoleAccepts(ConsolePassword.stored(home), "Generated-123"));

        String logBanner = ConsolePassword.banner(null, "http://127.0.0.1:5080/system/console");
        assertFalse(logBanner.contains("Generated-123"), logBanner);
        assertTrue(logBanner.contains("password:    in data/console-password"), logBanner);

        ConsolePassword.store(home, "chosen-password");
        assertFalse(Files.exists(kept), "a password the operator chose replaces the generated one's file");
    }
}
