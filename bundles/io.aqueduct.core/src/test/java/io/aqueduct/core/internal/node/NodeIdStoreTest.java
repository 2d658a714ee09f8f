package io.aqueduct.core.internal.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdStoreTest {
    @TempDir
    Path dir;

    @Test
    void generatesAnIdOnceAndKeepsIt() throws IOException {
        Path file = dir.resolve("data/node.id");
        String id = new NodeIdStore(file).loadOrCreate();
        assertTrue(id.matches("node-[0-9a-f]{12}"), id);
        assertEquals(id, new NodeIdStore(file).loadOrCreate(), "the same id after a restart");
        assertNotEquals(id, new NodeIdStore(dir.resolve("other/node.id")).loadOrCreate(), "another node, another id");
    }

    @Test
    void refusesAGarbledFileInsteadOfSilentlyChangingIdentity() throws IOException {
        Path file = dir.resolve("node.id");
        Files.writeString(file, "not an id!\n");
        IOException e = assertThrows(IOException.class, () -> new NodeIdStore(file).loadOrCreate());
        assertTrue(e.getMessage().contains("delete the file"), e.getMessage());
    }
}
