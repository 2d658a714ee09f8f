package io.aqueduct.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    enum Mode { STANDALONE, CLUSTER }

    private static Settings of(Map<String, ?> p) {
        return Settings.of("io.aqueduct.test", p);
    }

    @Test
    void readsStringsFromCfgFilesAndTypedValuesFromTheConsole() {
        Settings s = of(Map.of("port", " 1935 ", "typed", 5080, "flag", "TRUE", "mode", "Cluster"));
        assertEquals(1935, s.port("port", 1));
        assertEquals(5080, s.port("typed", 1));
        assertTrue(s.bool("flag", false));
        assertEquals(Mode.CLUSTER, s.choice("mode", Mode.class, Mode.STANDALONE));
    }

    @Test
    void missingOrBlankGivesTheDefault() {
        Settings s = of(Map.of("blank", "  "));
        assertEquals(5080, s.port("blank", 5080));
        assertEquals(5080, s.port("absent", 5080));
        assertFalse(s.bool("absent", false));
        assertEquals("x", s.string("blank", "x"));
        assertEquals(Mode.STANDALONE, s.choice("absent", Mode.class, Mode.STANDALONE));
    }

    @Test
    void aBadPortNamesThePidTheKeyAndTheValue() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> of(Map.of("port", "abc")).port("port", 1));
        assertEquals("io.aqueduct.test: port = 'abc' is not valid: expected a port number from 1 to 65535", e.getMessage());
        assertEquals("port", e.key());
        assertEquals("abc", e.value());
        assertThrows(InvalidSettingException.class, () -> of(Map.of("port", "0")).port("port", 1));
        assertThrows(InvalidSettingException.class, () -> of(Map.of("port", "65536")).port("port", 1));
        assertThrows(InvalidSettingException.class, () -> of(Map.of("port", "99999999999")).port("port", 1));
    }

    @Test
    void anUnknownChoiceListsTheAllowedOnes() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> of(Map.of("mode", "bogus")).choice("mode", Mode.class, Mode.STANDALONE));
        assertEquals("io.aqueduct.test: mode = 'bogus' is not valid: expected one of standalone, cluster", e.getMessage());
    }

    @Test
    void hostsAreCheckedForSyntaxOnly() {
        Settings s = of(Map.of("a", "media-1.example.com", "b", "fe80::1%eth0", "c", "[::1]", "d", "a/b", "e", "my host"));
        assertEquals("media-1.example.com", s.host("a", "x"));
        assertEquals("fe80::1%eth0", s.host("b", "x"));
        assertEquals("[::1]", s.host("c", "x"));
        assertEquals("0.0.0.0", s.host("absent", "0.0.0.0"));
        assertThrows(InvalidSettingException.class, () -> s.host("d", "x"));
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> s.host("e", "x"));
        assertEquals("io.aqueduct.test: e = 'my host' is not valid: expected an IP address or host name", e.getMessage());
    }

    @Test
    void numbersAndBooleansAreChecked() {
        Settings s = of(Map.of("n", "12", "big", "1000", "flag", "yes", "ms", "-5"));
        assertEquals(12, s.integer("n", 0, 1, 100));
        assertThrows(InvalidSettingException.class, () -> s.integer("big", 0, 1, 100));
        assertThrows(InvalidSettingException.class, () -> s.bool("flag", false));
        assertThrows(InvalidSettingException.class, () -> s.duration("ms", 0, 0, 1000));
        assertThrows(InvalidSettingException.class, () -> s.required("absent"));
    }
}
