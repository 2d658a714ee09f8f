package io.aqueduct.rest.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.config.InvalidSettingException;
import java.util.Hashtable;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {

    @Test
    void defaultsWhenKeysAreMissingOrBlank() {
        assertEquals(new HttpEndpoint("0.0.0.0", 5080), HttpEndpoint.parse(Map.of()));
        assertEquals(new HttpEndpoint("0.0.0.0", 5080), HttpEndpoint.parse(Map.of("port", " ", "host", "")));
    }

    @Test
    void readsStringsFromFilesAndTypedValuesFromTheConsole() {
        assertEquals(new HttpEndpoint("127.0.0.1", 8081), HttpEndpoint.parse(Map.of("port", " 8081 ", "host", "127.0.0.1")));
        assertEquals(new HttpEndpoint("::1", 8082), HttpEndpoint.parse(Map.of("port", 8082, "host", "::1")));
    }

    @Test
    void rejectsABadPortNamingPidKeyAndValue() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> HttpEndpoint.parse(Map.of("port", "abc")));
        assertEquals("io.aqueduct.http", e.pid());
        assertEquals("port", e.key());
        assertEquals("abc", e.value());
        assertTrue(e.getMessage().contains("port = 'abc'"), e.getMessage());
        assertThrows(InvalidSettingException.class, () -> HttpEndpoint.parse(Map.of("port", "0")));
        assertThrows(InvalidSettingException.class, () -> HttpEndpoint.parse(Map.of("port", "65536")));
    }

    @Test
    void rejectsAHostThatCannotBeAnAddress() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> HttpEndpoint.parse(Map.of("host", "my host")));
        assertEquals("host", e.key());
    }

    @Test
    void currentPrefersJettysConfigurationOverFrameworkProperties() {
        Map<String, String> framework = Map.of(HttpEndpoint.JETTY_PORT, "5080", HttpEndpoint.JETTY_HOST, "127.0.0.1");
        assertEquals(new HttpEndpoint("127.0.0.1", 5080), HttpEndpoint.current(null, framework::get));

        Hashtable<String, Object> config = new Hashtable<>();
        config.put(HttpEndpoint.JETTY_PORT, 6000);
        assertEquals(new HttpEndpoint("127.0.0.1", 6000), HttpEndpoint.current(config, framework::get));
    }

    @Test
    void currentFallsBackToJettysOwnDefaults() {
        assertEquals(new HttpEndpoint("0.0.0.0", 8080), HttpEndpoint.current(null, k -> null));
    }

    @Test
    void printsIpv6InBrackets() {
        assertEquals("[::1]:5080", new HttpEndpoint("::1", 5080).toString());
        assertEquals("0.0.0.0:5080", new HttpEndpoint("0.0.0.0", 5080).toString());
    }
}
