package io.aqueduct.api.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void anOrdinaryValueIsKeptAsItIs() {
        assertThat(LogSafe.value("live/test?token=abc")).isEqualTo("live/test?token=abc");
        assertThat(LogSafe.value("caméra 東京 😀")).isEqualTo("caméra 東京 😀");
        assertThat(LogSafe.value(null)).isEqualTo("null");
        assertThat(LogSafe.value(42)).isEqualTo("42");
    }

    @Test
    void lineBreaksAndOtherControlsAreEscaped() {
        assertThat(LogSafe.value("a\nINFO forged\r\tb")).isEqualTo("a\\nINFO forged\\r\\tb");
        assertThat(LogSafe.value("nul\0bel\u0007esc\u001bdel\u007f")).isEqualTo("nul\\u0000bel\\u0007esc\\u001bdel\\u007f");
        assertThat(LogSafe.value("c1\u0085\u009b")).isEqualTo("c1\\u0085\\u009b");
        assertThat(LogSafe.value("ls\u2028ps\u2029")).isEqualTo("ls\\u2028ps\\u2029");
    }

    @Test
    void bidiControlsAndUnpairedSurrogatesAreEscaped() {
        assertThat(LogSafe.value("abc\u202eevil\u202c")).isEqualTo("abc\\u202eevil\\u202c");
        assertThat(LogSafe.value("\u2066x\u2069\u200e\u200f\u061c")).isEqualTo("\\u2066x\\u2069\\u200e\\u200f\\u061c");
        assertThat(LogSafe.value("lone \ud83d end \ude00")).isEqualTo("lone \\ud83d end \\ude00");
    }

    @Test
    void escapingTwiceChangesNothing() {
        String once = LogSafe.value("a\nb\\nc\u2028");
        assertThat(once).isEqualTo("a\\nb\\nc\\u2028");
        assertThat(LogSafe.value(once)).isEqualTo(once);
        assertThat(LogSafe.text("stream name '" + once + "' is not valid")).contains(once);
    }

    @Test
    void aLongValueIsCutWithHowMuchWasCut() {
        String huge = "x".repeat(7 * 1024 * 1024);
        String shown = LogSafe.value(huge);
        assertThat(shown).isEqualTo("x".repeat(LogSafe.VALUE_LENGTH) + "...(" + (huge.length() - LogSafe.VALUE_LENGTH)
                + " more characters)");
        assertThat(LogSafe.text(huge)).startsWith("x".repeat(LogSafe.TEXT_LENGTH) + "...(")
                .hasSize(LogSafe.TEXT_LENGTH + ("...(" + (huge.length() - LogSafe.TEXT_LENGTH) + " more characters)").length());
        assertThat(LogSafe.value("y".repeat(LogSafe.VALUE_LENGTH))).isEqualTo("y".repeat(LogSafe.VALUE_LENGTH));
    }

    @Test
    void theCutCountsEscapesAndNeverSplitsOneOrAPair() {
        assertThat(LogSafe.escape("ab\ncd", 3)).isEqualTo("ab...(3 more characters)");
        assertThat(LogSafe.escape("ab\ncd", 4)).isEqualTo("ab\\n...(2 more characters)");
        assertThat(LogSafe.escape("a😀b", 2)).isEqualTo("a...(3 more characters)");
        assertThat(LogSafe.escape("a😀b", 3)).isEqualTo("a😀...(1 more characters)");
        assertThatThrownBy(() -> LogSafe.escape("a", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLength");
    }
}
