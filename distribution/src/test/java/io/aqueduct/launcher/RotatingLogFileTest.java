package io.aqueduct.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingLogFileTest {

    @Test
    void rotatesAtLineEndsAndKeepsTheNewestFiles(@TempDir Path logs) throws Exception {
        Path log = logs.resolve("aqueduct.log");
        try (PrintStream out = new PrintStream(new RotatingLogFile(log, 1024, 3), true, StandardCharsets.UTF_8)) {
            for (int i = 0; i < 1000; i++) {
                out.print("line " + i + " ");
                out.println("x".repeat(40)); // a line written in two pieces, as println does
            }
        }
        try (var files = Files.list(logs)) {
            assertEquals(List.of("aqueduct.log", "aqueduct.log.1", "aqueduct.log.2", "aqueduct.log.3"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String name : List.of("aqueduct.log.1", "aqueduct.log.2", "aqueduct.log.3")) {
            String text = Files.readString(logs.resolve(name));
            assertTrue(text.length() >= 1024 && text.length() < 1024 + 60, name + " is about the size: " + text.length());
            assertTrue(text.startsWith("line ") && text.endsWith("x\n"), name + " holds whole lines");
        }
        assertTrue(Files.readString(log).endsWith("line 999 " + "x".repeat(40) + "\n"));
        String newestRotated = Files.readString(logs.resolve("aqueduct.log.1"));
        String current = Files.readString(log);
        int last = Integer.parseInt(newestRotated.lines().reduce((a, b) -> b).orElseThrow().split(" ")[1]);
        assertTrue(current.startsWith("line " + (last + 1) + " "), "no line lost between .1 and the current file");
    }

    @Test
    void aLineLongerThanAFileIsCutAtTwiceTheSize(@TempDir Path logs) throws Exception {
        Path log = logs.resolve("aqueduct.log");
        try (RotatingLogFile out = new RotatingLogFile(log, 1024, 2)) {
            out.write("y".repeat(5000).getBytes(StandardCharsets.US_ASCII));
            out.write('\n');
        }
        assertEquals(5000, Files.size(logs.resolve("aqueduct.log.1")), "one write is not split");
        assertEquals(1, Files.size(log));
    }

    @Test
    void appendsToTheFileItFindsAndDropsFilesBeyondTheSetting(@TempDir Path logs) throws Exception {
        Path log = logs.resolve("aqueduct.log");
        Files.writeString(log, "z".repeat(1000) + "\n");
        Files.writeString(logs.resolve("aqueduct.log.7"), "kept under keep=10 before\n");
        try (RotatingLogFile out = new RotatingLogFile(log, 1024, 2)) {
            assertFalse(Files.exists(logs.resolve("aqueduct.log.7")));
            out.write("0123456789012345678901234\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(Files.readString(logs.resolve("aqueduct.log.1")).startsWith("z".repeat(1000) + "\n0123"));
        assertEquals(0, Files.size(log));
    }

    @Test
    void sizesAndBadSettings(@TempDir Path logs) {
        assertEquals(20L << 20, RotatingLogFile.parseSize("20MB"));
        assertEquals(512L << 10, RotatingLogFile.parseSize(" 512 kb"));
        assertEquals(1L << 30, RotatingLogFile.parseSize("1GB"));
        assertEquals(4096, RotatingLogFile.parseSize("4096"));
        assertThrows(IllegalArgumentException.class, () -> RotatingLogFile.parseSize("20 furlongs"));
        assertThrows(IllegalArgumentException.class, () -> RotatingLogFile.parseSize("-5MB"));
        Path log = logs.resolve("aqueduct.log");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RotatingLogFile(log, 100, 5))
                .getMessage().contains("at least 1024 bytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RotatingLogFile(log, 4096, 0))
                .getMessage().contains("1 to 100"));
    }
}
