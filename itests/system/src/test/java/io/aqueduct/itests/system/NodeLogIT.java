package io.aqueduct.itests.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.testing.RawRtmp;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The node's log against a client that wants to forge or flood it, on the built appliance started with
 * {@code bin/aqueduct start}: a stream name with a line break stays on its line, 500 idle RTMP connections add a
 * bounded number of lines, and logs/aqueduct.log rotates at its size and keeps the number of files it is told.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeLogIT {
    private static final int IDLE_CONNECTIONS = 500;
    private static final Pattern SUMMARY = Pattern.compile(
            "\\.\\.\\. and (\\d+) more RTMP connection events in the last [0-9.]+ s \\(not logged one by one\\)");

    private Appliance node;

    @BeforeAll
    void start() throws Exception {
        node = Appliance.copyDistribution(Appliance.freePort());
        // large enough that nothing is deleted while the first tests count lines across the files
        node.addSystemProperties("aqueduct.log.rotate.size=256KB", "aqueduct.log.rotate.keep=3");
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        assertEquals(0, r.exitCode(), "bin/aqueduct start: " + r.output() + "\nlog:\n" + node.logText());
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void aLineBreakInAStreamNameCannotForgeALine() throws Exception {
        String name = "cam\nINFO io.aqueduct.rtmp.internal.server.RtmpSession - RTMP /10.6.6.6:1 publishes live/cam";
        try (Socket s = RawRtmp.connect(node.rtmpPort())) {
            OutputStream out = s.getOutputStream();
            out.write(command(0, amf("connect", 1.0, new String[] {"app", "live", "tcUrl", node.rtmpUrl("live")})));
            out.write(command(1, amf("publish", 2.0, null, name, "live")));
            out.flush();
            RawRtmp.readUntilClosed(s.getInputStream());
        }
        Appliance.await(Duration.ofSeconds(20), "the refusal is logged",
                () -> allLines().stream().anyMatch(l -> l.contains("refused: stream name 'cam\\nINFO io.aqueduct")));
        List<String> lines = allLines();
        assertTrue(lines.stream().filter(l -> l.contains("/10.6.6.6:1")).allMatch(l -> l.contains("refused: ")),
                "the name shows only inside the refusal line:\n" + String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("INFO io.aqueduct.rtmp.internal.server.RtmpSession")),
                "no line starts where the name's line break was");
    }

    @Test
    @Order(2)
    void fiveHundredIdleConnectionsAddABoundedNumberOfLines() throws Exception {
        int before = allLines().size();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < IDLE_CONNECTIONS; i++) {
                idle.add(new Socket("127.0.0.1", node.rtmpPort())); // connects and never says anything
            }
            // the node closes each after 15 s without a publish or play
            for (Socket s : idle) {
                s.setSoTimeout(40_000);
                RawRtmp.readUntilClosed(s.getInputStream());
            }
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        Appliance.await(Duration.ofSeconds(30), "the flood is summed up",
                () -> closedLines() + summed() >= IDLE_CONNECTIONS);
        List<String> lines = allLines();
        int added = lines.size() - before;
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        assertTrue(closedLines() <= 150, "at most 50 lines per 10 s, got " + closedLines() + ":\n" + tail);
        assertTrue(added < 200, IDLE_CONNECTIONS + " connections added " + added + " lines:\n" + tail);
        assertTrue(summed() > 0, "a summary line:\n" + tail);
        System.out.println(IDLE_CONNECTIONS + " idle RTMP connections closed by the node added " + added + " lines: "
                + closedLines() + " one by one, " + summed() + " summed up: "
                + lines.stream().filter(l -> SUMMARY.matcher(l).find()).toList());
    }

    @Test
    @Order(3)
    void theLogRotatesAtItsSizeAndKeepsItsNumberOfFiles() throws Exception {
        assertEquals(0, node.aqueduct(Duration.ofSeconds(45), "stop").exitCode());
        node.addSystemProperties("aqueduct.log.rotate.size=2KB", "aqueduct.log.rotate.keep=2");
        // a start whose own lines rotate the log several times still finds its started line
        Appliance.Result r = node.aqueduct(Duration.ofSeconds(90), "start");
        assertEquals(0, r.exitCode(), "bin/aqueduct start: " + r.output());
        assertTrue(r.output().contains("Aqueduct started in "), r.output());
        Path logs = node.home().resolve("logs");
        // refused publishes log a line each, until both kept files were written under the 2 KB setting
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!smallerThan(logs.resolve("aqueduct.log.1"), 4096) || !smallerThan(logs.resolve("aqueduct.log.2"), 4096)) {
            assertTrue(System.nanoTime() < deadline, "the log rotates at 2 KB");
            try (Socket s = RawRtmp.connect(node.rtmpPort())) {
                s.getOutputStream().write(command(0, amf("connect", 1.0, new String[] {"app", "live"})));
                s.getOutputStream().write(command(1, amf("publish", 2.0, null, "not a valid name", "live")));
                RawRtmp.readUntilClosed(s.getInputStream());
            }
        }
        List<String> names;
        try (Stream<Path> files = Files.list(logs)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("aqueduct.log")).sorted()
                    .toList();
        }
        assertEquals(List.of("aqueduct.log", "aqueduct.log.1", "aqueduct.log.2"), names,
                "the current file and 2 rotated ones");
        for (String n : List.of("aqueduct.log.1", "aqueduct.log.2")) {
            String text = Files.readString(logs.resolve(n), StandardCharsets.UTF_8);
            assertTrue(text.length() >= 2048, n + " rotated once it held 2 KB: " + text.length());
            assertTrue(text.endsWith("\n"), n + " ends with a whole line");
        }
        System.out.println("logs/ after the 2 KB start: " + names + ", "
                + Files.size(logs.resolve("aqueduct.log.1")) + " and " + Files.size(logs.resolve("aqueduct.log.2"))
                + " bytes rotated");
    }

    private static boolean smallerThan(Path file, long bytes) {
        try {
            return Files.size(file) < bytes;
        } catch (IOException e) {
            return false; // not there (yet, or for a moment while the files move up)
        }
    }

    /** Every line of logs/aqueduct.log and its rotated files, oldest first. */
    private List<String> allLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 5; i >= 0; i--) {
            Path f = node.home().resolve("logs/aqueduct.log" + (i == 0 ? "" : "." + i));
            if (Files.exists(f)) {
                lines.addAll(Appliance.unchecked(() -> Files.readAllLines(f, StandardCharsets.UTF_8)));
            }
        }
        return lines;
    }

    private int closedLines() {
        return (int) allLines().stream().filter(l -> l.contains("closed: no publish or play within 15 s")).count();
    }

    private int summed() {
        int n = 0;
        for (String l : allLines()) {
            Matcher m = SUMMARY.matcher(l);
            if (m.find()) {
                n += Integer.parseInt(m.group(1));
            }
        }
        return n;
    }

    /** One AMF0 command message in one chunk (chunk stream 3, at most the default 128 bytes). */
    private static byte[] command(int messageStreamId, byte[] body) {
        assertTrue(body.length <= 128, "fits the default chunk size");
        return RawRtmp.chunk(3, 20, messageStreamId, body);
    }

    /** AMF0 values: strings, numbers, null, and an object written as its key/value pairs. */
    private static byte[] amf(Object... values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Object v : values) {
            if (v == null) {
                out.writeByte(5);
            } else if (v instanceof Double d) {
                out.writeByte(0);
                out.writeDouble(d);
            } else if (v instanceof String s) {
                out.writeByte(2);
                out.writeUTF(s);
            } else if (v instanceof String[] pairs) {
                out.writeByte(3);
                for (int i = 0; i < pairs.length; i += 2) {
                    out.writeUTF(pairs[i]);
                    out.writeByte(2);
                    out.writeUTF(pairs[i + 1]);
                }
                out.write(new byte[] {0, 0, 9});
            }
        }
        return bytes.toByteArray();
    }
}
