package io.aqueduct.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCommandTest {
    private static final String NODE = "# node\nmode = standalone\nnode.group = east\n";

    @TempDir
    Path home;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private AdminCommand command;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(nodeFile(), NODE);
        command = new AdminCommand(home, new PrintStream(out, true), new PrintStream(err, true));
    }

    private Path nodeFile() {
        return home.resolve("config/io.aqueduct.node.cfg");
    }

    @Test
    void clusterWritesModeRoleAndMongoKeepingOtherKeys() throws Exception {
        assertEquals(0, command.mode(List.of("cluster", "mongodb://u:p@db:27017/?authSource=admin", "--role", "edge")));
        assertEquals("# node\nmode = cluster\nnode.group = east\nrole = edge\nmongo.uri = mongodb://u:p@db:27017/?authSource=admin\n",
                Files.readString(nodeFile()));
        assertFalse(out.toString().contains(":p@"), "the password in the URI is not echoed: " + out);
    }

    @Test
    void aUriWithAPasswordIsWrittenOwnerOnlyAndNeverEchoed() throws Exception {
        assertEquals(0, command.mode(List.of("cluster", "mongodb://u:s3cret@db:27017/?authSource=admin")));
        assertEquals(java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(nodeFile()));
        assertEquals(2, command.mode(List.of("cluster", "mongodb://u:s3cret@db:27017/", "extra")));
        assertFalse(err.toString().contains("s3cret"), err.toString());
        assertFalse(out.toString().contains("s3cret"), out.toString());
    }

    @Test
    void clusterRoleDefaultsToOriginAndAcceptsTheEqualsForm() throws Exception {
        assertEquals(0, command.mode(List.of("cluster", "10.0.0.5")));
        assertTrue(Files.readString(nodeFile()).contains("role = origin"));
        assertEquals(0, command.mode(List.of("cluster", "10.0.0.5", "--role=lb")));
        assertTrue(Files.readString(nodeFile()).contains("role = lb"));
    }

    @Test
    void standaloneDropsTheClusterKeys() throws Exception {
        command.mode(List.of("cluster", "10.0.0.5", "--role", "edge"));
        assertEquals(0, command.mode(List.of("standalone")));
        assertEquals(NODE, Files.readString(nodeFile()));
    }

    @Test
    void garbageIsRejectedWithExitTwoAndNothingChanges() throws Exception {
        List<List<String>> bad = List.of(
                List.of(),
                List.of("bogus"),
                List.of("cluster"),
                List.of("cluster", ""),
                List.of("cluster", "10.0.0.5", "--role"),
                List.of("cluster", "10.0.0.5", "--role", "boss"),
                List.of("cluster", "10.0.0.5", "--colour", "red"),
                List.of("cluster", "10.0.0.5", "10.0.0.6"),
                List.of("cluster", "mongodb://a b"),
                List.of("cluster", "10.0.0.5\nmode = standalone"),
                List.of("cluster", "10.0.0.5\u0000"),
                List.of("cluster", "mongodb://u:${x}@h"),
                List.of("standalone", "--role", "edge"));
        for (List<String> args : bad) {
            err.reset();
            assertEquals(2, command.mode(args), "exit code for " + args);
            assertTrue(err.toString().startsWith("error: "), err.toString());
            assertTrue(err.toString().contains("nothing changed"), err.toString());
            assertEquals(NODE, Files.readString(nodeFile()), "file unchanged after " + args);
        }
    }

    @Test
    void errorMessagesShowControlCharactersEscaped() throws Exception {
        command.mode(List.of("bo\u001bgus"));
        assertTrue(err.toString().contains("bo\\u001bgus"), err.toString());
    }

    @Test
    void passwordGivenIsStoredHashed() throws Exception {
        assertEquals(0, command.password(List.of("s3cret-Pass"), System.in));
        String stored = ConsolePassword.stored(home);
        assertTrue(stored.startsWith("{sha-256}"), stored);
        assertFalse(out.toString().contains("s3cret-Pass"));
    }

    @Test
    void passwordGeneratedIsPrintedOnce() throws Exception {
        assertEquals(0, command.password(List.of(), System.in));
        assertTrue(out.toString().contains("New password: "), out.toString());
    }

    @Test
    void passwordFromStandardInput() throws Exception {
        var in = new ByteArrayInputStream("from-stdin-pass\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, command.password(List.of("-"), in));
        assertTrue(ConsolePassword.stored(home).startsWith("{sha-256}"));
    }

    @Test
    void weakPasswordIsRefusedAndNothingStored() throws Exception {
        assertEquals(2, command.password(List.of("short"), System.in));
        assertEquals(null, ConsolePassword.stored(home));
        assertEquals(2, command.password(List.of("a", "b"), System.in));
    }

    @Test
    void theRegistryAddressIsCheckedByTheDriversParser() throws Exception {
        for (String bad : List.of("mongodb://db1:99999", "http://db1", "db1:port", "fd00::5", "mongodb://",
                "mongodb://u:secret@db1/?authSource=")) {
            err.reset();
            assertEquals(2, command.mode(List.of("cluster", bad)), bad);
            assertTrue(err.toString().contains("expected a MongoDB address"), err.toString());
            assertFalse(err.toString().contains("secret"), "password not echoed: " + err);
            assertEquals(NODE, Files.readString(nodeFile()), "file unchanged after " + bad);
        }
        for (String good : List.of("localhost", "db1:27018", "[fd00::5]:27018", "db1,db2:27018",
                "mongodb+srv://u:p@cluster0.example.net/aqueduct", "mongodb://u:p@db1/?authSource=admin")) {
            assertEquals(0, command.mode(List.of("cluster", good)), good);
        }
    }

    @Test
    void aStrayOptionOrAnEmptyHostIsNeverTakenForTheRegistry() throws Exception {
        for (List<String> args : List.of(List.of("cluster", "-rf"), List.of("cluster", "-rf", "10.0.0.5"),
                List.of("cluster", "mongodb://h1,h2,/db"), List.of("cluster", "h1,h2,"),
                List.of("cluster", "--", "-rf"))) {
            err.reset();
            assertEquals(2, command.mode(args), "exit code for " + args);
            assertEquals(NODE, Files.readString(nodeFile()), "file unchanged after " + args);
            String message = err.toString();
            assertTrue(message.startsWith("error: ") && message.contains("nothing changed"), message);
            assertTrue(message.contains("unknown option '-rf'") || message.contains("'-rf' is not a host name")
                    || message.contains("a host in the list is empty"), message);
        }
    }

    @Test
    void antMediaServersFormWritesTheCredentialsPercentEncodedOwnerOnlyAndNeverEchoed() throws Exception {
        String password = "p@ss word:/%+";
        assertEquals(0, command.mode(List.of("cluster", "10.0.0.5:27018", "aqadmin", password, "--role", "edge")));
        String file = Files.readString(nodeFile());
        assertTrue(file.contains("mongo.uri = mongodb://aqadmin:p%40ss%20word%3A%2F%25%2B@10.0.0.5:27018/\n"), file);
        assertTrue(file.contains("role = edge"), file);
        assertEquals(java.util.Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(nodeFile()));
        assertTrue(out.toString().contains("mongo.uri = mongodb://aqadmin:***@10.0.0.5:27018/ written"),
                out.toString());
        assertFalse(out.toString().contains("p%40ss") || out.toString().contains(password), out.toString());
    }

    @Test
    void thePasswordComesFromStandardInputWithTheUserAsArgumentOrOption() throws Exception {
        for (List<String> args : List.of(List.of("cluster", "db1", "aqadmin", "--password-stdin"),
                List.of("cluster", "--user", "aqadmin", "--password-stdin", "db1"),
                List.of("cluster", "db1", "--user=aqadmin", "--password-stdin"))) {
            out.reset();
            Files.writeString(nodeFile(), NODE);
            AdminCommand withInput = new AdminCommand(home, new ByteArrayInputStream(
                    "-from stdin\nsecond line\n".getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true),
                    new PrintStream(err, true));
            assertEquals(0, withInput.mode(args), args + ": " + err);
            assertTrue(Files.readString(nodeFile()).contains("mongo.uri = mongodb://aqadmin:-from%20stdin@db1/\n"),
                    Files.readString(nodeFile()));
            assertFalse(out.toString().contains("from"), out.toString());
        }
        // a password that starts with '-' after --
        Files.writeString(nodeFile(), NODE);
        assertEquals(0, command.mode(List.of("cluster", "db1", "--", "aqadmin", "-dash")));
        assertTrue(Files.readString(nodeFile()).contains("mongodb://aqadmin:-dash@db1/"));
    }

    @Test
    void credentialsThatDoNotAddUpAreRejected() throws Exception {
        List<List<String>> bad = List.of(
                List.of("cluster", "db1", "aqadmin"),
                List.of("cluster", "db1", "--user", "aqadmin"),
                List.of("cluster", "db1", "--password-stdin"),
                List.of("cluster", "db1", "aqadmin", "--password-stdin"), // standard input is empty
                List.of("cluster", "db1", "aqadmin", "s3cret", "--password-stdin"),
                List.of("cluster", "db1", "aqadmin", "s3cret", "more"),
                List.of("cluster", "db1", "--user"),
                List.of("cluster", "embedded", "aqadmin", "s3cret"),
                List.of("cluster", "mongodb://root:old@db1/", "aqadmin", "s3cret"),
                List.of("cluster", "db1", "", "s3cret"));
        for (List<String> args : bad) {
            err.reset();
            Files.writeString(nodeFile(), NODE);
            assertEquals(2, command.mode(args), "exit code for " + args + ": " + err);
            assertTrue(err.toString().startsWith("error: ") && err.toString().contains("nothing changed"),
                    err.toString());
            assertFalse(err.toString().contains("s3cret") || err.toString().contains("old"), err.toString());
            assertEquals(NODE, Files.readString(nodeFile()), "file unchanged after " + args);
        }
    }

    @Test
    void embeddedHostsTheRegistryAndAnotherRegistryOrStandaloneStopsIt() throws Exception {
        Path registry = home.resolve("config/io.aqueduct.registry.embedded.cfg");
        assertEquals(0, command.mode(List.of("cluster", "embedded", "--registry-port", "27999")));
        assertTrue(Files.readString(nodeFile()).contains("mongo.uri = embedded"));
        assertEquals("host = 127.0.0.1\nport = 27999\npath = data/registry.mv.db\n", Files.readString(registry));
        assertTrue(out.toString().contains("mongo.uri = embedded (mongodb://127.0.0.1:27999/)"), out.toString());

        assertEquals(0, command.mode(List.of("cluster", "10.0.0.5")));
        assertFalse(Files.exists(registry), "another registry: this node stops hosting one");
        assertEquals(0, command.mode(List.of("cluster", "EMBEDDED")));
        assertTrue(Files.readString(registry).contains("port = 27017"));
        assertEquals(0, command.mode(List.of("standalone")));
        assertTrue(Files.exists(registry), "kept: the server stops with the cluster bundles, after the client left");
        assertTrue(out.toString().contains("The embedded registry stops with the cluster bundles"), out.toString());
        assertEquals(0, command.mode(List.of("cluster", "10.0.0.5")));

        assertEquals(2, command.mode(List.of("cluster", "10.0.0.5", "--registry-port", "27999")));
        assertEquals(2, command.mode(List.of("cluster", "embedded", "--registry-port", "70000")));
        assertFalse(Files.exists(registry));
    }
}
