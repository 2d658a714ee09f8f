package io.aqueduct.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    @Test
    void setReplacesInPlaceKeepsCommentsAndOrderAndAppendsNewKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.cfg");
        Files.writeString(f, "# header\nmode = standalone\nnode.group=west\n# role = origin\nmode: again\n");
        ConfigFile cfg = ConfigFile.read(f);
        cfg.set("mode", "cluster");
        cfg.set("role", "edge");
        cfg.save();
        assertEquals("# header\nmode = cluster\nnode.group=west\n# role = origin\nrole = edge\n", Files.readString(f));
    }

    @Test
    void removeDeletesEveryLineOfTheKeyOnly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.cfg");
        Files.writeString(f, "role = edge\nrole.extra = 1\n#role = x\n");
        ConfigFile cfg = ConfigFile.read(f);
        cfg.remove("role");
        cfg.save();
        assertEquals("role.extra = 1\n#role = x\n", Files.readString(f));
    }

    @Test
    void continuationLinesAreOneEntry(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.cfg");
        Files.writeString(f, "mongo.uri = mongodb://a,\\\n    b\nnext = 1\n");
        ConfigFile cfg = ConfigFile.read(f);
        assertEquals("mongodb://a,b", cfg.get("mongo.uri"));
        cfg.set("mongo.uri", "c");
        cfg.save();
        assertEquals("mongo.uri = c\nnext = 1\n", Files.readString(f));
    }

    @Test
    void valuesRoundTripThroughJavaProperties(@TempDir Path dir) throws Exception {
        String tricky = " lead\\back=colon:hash#bang! \u00e9\u4e2d";
        Path f = dir.resolve("x.cfg");
        ConfigFile cfg = ConfigFile.read(f);
        cfg.set("k", tricky);
        cfg.save();
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        }
        assertEquals(tricky, p.getProperty("k"));
    }

    @Test
    void missingFileReadsEmptyAndBlankValuesReadAsMissing(@TempDir Path dir) throws Exception {
        assertNull(ConfigFile.read(dir.resolve("none.cfg")).get("x"));
        Path f = dir.resolve("x.cfg");
        Files.writeString(f, "x =   \n");
        assertNull(ConfigFile.read(f).get("x"));
    }

    @Test
    void typedValuesWrittenBackByFileInstallReadAsText(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.cfg");
        Files.writeString(f, "port = I\"5081\"\nhost = \"127.0.0.1\"\nplain = a\"b\n");
        ConfigFile cfg = ConfigFile.read(f);
        assertEquals("5081", cfg.get("port"));
        assertEquals("127.0.0.1", cfg.get("host"));
        assertEquals("a\"b", cfg.get("plain"));
    }

    @Test
    void saveLeavesNoTemporaryFileBehind(@TempDir Path dir) throws Exception {
        ConfigFile cfg = ConfigFile.read(dir.resolve("x.cfg"));
        cfg.set("a", "1");
        cfg.save();
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void keyOfUnderstandsTheSeparators() {
        assertEquals("a", ConfigFile.keyOf("  a=1"));
        assertEquals("a", ConfigFile.keyOf("a : 1"));
        assertEquals("a", ConfigFile.keyOf("a 1"));
        assertEquals("a=b", ConfigFile.keyOf("a\\=b = 1"));
        assertNull(ConfigFile.keyOf("# a = 1"));
        assertNull(ConfigFile.keyOf("   "));
    }
}
