package io.aqueduct.api.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aqueduct.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private long now = 1_000 * SECOND;
    private final List<Runnable> timerTasks = new ArrayList<>();
    private final List<Long> timerDelays = new ArrayList<>();
    private final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class),
            "test connection events", 3, Duration.ofSeconds(10), () -> now, (task, delay) -> {
                timerTasks.add(task);
                timerDelays.add(delay);
            });

    @Test
    void aFloodIsWrittenUpToTheLimitThenSummedUpWhenTheWindowEnds() {
        try (LogCapture capture = new LogCapture()) {
            for (int i = 0; i < 2_000; i++) {
                log.info("connection {} closed", i);
                now += SECOND / 1_000; // 2,000 in 2 s
            }
            assertThat(lines(capture)).containsExactly("connection 0 closed", "connection 1 closed",
                    "connection 2 closed");
            assertThat(timerTasks).as("one summary scheduled for the window's end").hasSize(1);
            assertThat(timerDelays.get(0)).isEqualTo(10 * SECOND - 3 * SECOND / 1_000);

            now = 1_010 * SECOND;
            timerTasks.get(0).run();
            assertThat(lines(capture)).hasSize(4).last()
                    .isEqualTo("... and 1997 more test connection events in the last 10 s (not logged one by one)");
        }
    }

    @Test
    void aQuietWindowWritesEveryLineAndNoSummary() {
        try (LogCapture capture = new LogCapture()) {
            for (int i = 0; i < 9; i++) {
                log.info("connection {} closed", i);
                now += 4 * SECOND; // 3 lines per 10 s window at most
            }
            assertThat(lines(capture)).hasSize(9);
            assertThat(timerTasks).isEmpty();
        }
    }

    @Test
    void theFirstLineOfTheNextWindowWritesTheSummaryFirstWhenTheTimerIsLate() {
        try (LogCapture capture = new LogCapture()) {
            for (int i = 0; i < 5; i++) {
                log.warn("refused {}", i);
            }
            now += 12 * SECOND;
            log.info("connection late");
            assertThat(lines(capture)).containsExactly("refused 0", "refused 1", "refused 2",
                    "... and 2 more test connection events in the last 12 s (not logged one by one)",
                    "connection late");
            timerTasks.get(0).run(); // the late timer: nothing left to sum up
            log.flush();
            assertThat(lines(capture)).hasSize(5);
        }
    }

    @Test
    void aFlushBeforeTheWindowEndsWritesNothing() {
        try (LogCapture capture = new LogCapture()) {
            for (int i = 0; i < 4; i++) {
                log.info("line {}", i);
            }
            now += 9 * SECOND;
            log.flush();
            assertThat(lines(capture)).hasSize(3);
            now += SECOND;
            log.flush();
            assertThat(lines(capture)).hasSize(4).last().asString().startsWith("... and 1 more");
        }
    }

    @Test
    void aTimerThatRefusesTheTaskLosesNoLine() {
        RateLimitedLog refusing = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), "events", 1,
                Duration.ofSeconds(1), () -> now, (task, delay) -> {
                    throw new IllegalStateException("shut down");
                });
        try (LogCapture capture = new LogCapture()) {
            refusing.info("first");
            refusing.info("second");
            now += SECOND;
            refusing.flush();
            assertThat(lines(capture)).containsExactly("first",
                    "... and 1 more events in the last 1 s (not logged one by one)");
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), "x", 0,
                Duration.ofSeconds(1), () -> now, (t, d) -> { })).hasMessageContaining("linesPerWindow");
        assertThatThrownBy(() -> new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), "x", 1,
                Duration.ZERO, () -> now, (t, d) -> { })).hasMessageContaining("window");
    }

    /** The messages of this test's lines, without slf4j-simple's level and logger name. */
    private static List<String> lines(LogCapture capture) {
        List<String> messages = new ArrayList<>();
        for (String line : capture.text().split("\n")) {
            int at = line.indexOf(RateLimitedLogTest.class.getName() + " - ");
            if (at >= 0) {
                messages.add(line.substring(at + RateLimitedLogTest.class.getName().length() + 3));
            }
        }
        return messages;
    }
}
