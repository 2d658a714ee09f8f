package io.aqueduct.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpEndpointTest {

    private static HttpEndpoint read(Path home, String cfg) throws Exception {
        Files.createDirectories(home.resolve("config"));
        Files.writeString(home.resolve("config/io.aqueduct.http.cfg"), cfg);
        return HttpEndpoint.read(home);
    }

    @Test
    void readsPortAndHost(@TempDir Path home) throws Exception {
        HttpEndpoint e = read(home, "port = 6000\nhost = 127.0.0.1\n");
        assertEquals(6000, e.port());
        assertEquals("127.0.0.1", e.host());
        assertTrue(e.problems().isEmpty());
        assertEquals("http://127.0.0.1:6000/health", e.url("/health"));
    }

    @Test
    void defaultsWithoutFile(@TempDir Path home) throws Exception {
        HttpEndpoint e = HttpEndpoint.read(home);
        assertEquals(5080, e.port());
        assertEquals("0.0.0.0", e.host());
    }

    @Test
    void garbageFallsBackToTheDefaultAndSaysSo(@TempDir Path home) throws Exception {
        HttpEndpoint e = read(home, "port = abc\nhost = two words\n");
        assertEquals(5080, e.port());
        assertEquals("0.0.0.0", e.host());
        assertEquals(2, e.problems().size());
        assertTrue(e.problems().get(0).contains("port = 'abc'"), e.problems().get(0));
        assertEquals(5080, read(home, "port = 70000\n").port());
    }

    @Test
    void ipv6HostsGetBracketsInUrls(@TempDir Path home) throws Exception {
        assertEquals("http://[::1]:5080/x", read(home, "host = ::1\n").url("/x"));
    }

    @Test
    void showsAnAddressAnOperatorCanOpenWhenBoundToEveryInterface(@TempDir Path home) throws Exception {
        assertEquals("http://127.0.0.1:5080/health", read(home, "host = 0.0.0.0\n").url("/health"));
    }

    @Test
    void aPortInUseIsFoundBeforeTheNodeStarts(@TempDir Path home) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HttpEndpoint e = read(home, "host = 127.0.0.1\nport = " + taken.getLocalPort() + "\n");
            String problem = e.bindProblem();
            assertTrue(problem != null && problem.contains("127.0.0.1 port " + taken.getLocalPort())
                    && problem.contains("config/io.aqueduct.http.cfg"), String.valueOf(problem));
        }
        try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = free.getLocalPort();
            free.close();
            assertNull(read(home, "host = 127.0.0.1\nport = " + port + "\n").bindProblem());
        }
    }
}
