package io.aqueduct.cluster.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aqueduct.cluster.mongo.MongoTarget;
import io.aqueduct.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The outage's rules on their own, in simulated time, over spans that would be too long to run through the driver
 * (ClusterMembershipTest runs them end to end against a registry that goes away).
 */
class RegistryOutageTest {
    private static final MongoTarget TARGET = MongoTarget.parse("127.0.0.1:27017", "127.0.0.1", 27017);
    private final SimulatedTime time = new SimulatedTime();
    private final RegistryOutage outage = new RegistryOutage(time);

    @Test
    void eachFailureDoublesTheWaitFromThePeriodUpToTheCapAndAnAnswerStartsAgain() {
        assertThat(backoffs(Duration.ofSeconds(1), 7)).containsExactly(2000L, 4000L, 8000L, 10_000L, 10_000L,
                10_000L, 10_000L);
        outage.answered(TARGET);
        assertThat(outage.backoffMillis(Duration.ofSeconds(1))).as("after an answer: one period").isEqualTo(1000);
        assertThat(backoffs(Duration.ofSeconds(1), 2)).as("and doubling again from there").containsExactly(2000L,
                4000L);

        outage.answered(TARGET);
        // a short period doubles at most 6 times (2^6), below the cap
        assertThat(backoffs(Duration.ofMillis(100), 8)).containsExactly(200L, 400L, 800L, 1600L, 3200L, 6400L,
                6400L, 6400L);
        outage.answered(TARGET);
        assertThat(backoffs(Duration.ofSeconds(20), 2)).as("a period above the cap is kept").containsExactly(20_000L,
                20_000L);
    }

    private List<Long> backoffs(Duration period, int failures) {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < failures; i++) {
            outage.failed("refused");
            delays.add(outage.backoffMillis(period));
        }
        return delays;
    }

    @Test
    void anHourAwayIsOneErrorALineAMinuteAndOneLineBack() {
        try (LogCapture log = new LogCapture()) {
            List<Duration> lines = new ArrayList<>();
            long start = time.nanoTime();
            Instant wentAway = time.now();
            while (time.nanoTime() - start < Duration.ofHours(1).toNanos()) {
                outage.failed("cannot reach the registry");
                if (log.text().lines().count() > lines.size()) {
                    lines.add(Duration.ofNanos(time.nanoTime() - start));
                }
                time.advance(Duration.ofMillis(outage.backoffMillis(Duration.ofSeconds(1))));
            }
            assertThat(outage.failures()).as("tries").isGreaterThan(350);
            assertThat(count(log, "ERROR") + count(log, "WARN")).isEqualTo(lines.size());
            assertThat(count(log, "Registry unreachable: cannot reach the registry. This node keeps serving its "
                    + "streams and retries.")).isEqualTo(1);
            for (int i = 1; i < lines.size(); i++) {
                assertThat(lines.get(i).minus(lines.get(i - 1))).isGreaterThan(RegistryOutage.STILL_DOWN_LOG)
                        .isLessThanOrEqualTo(RegistryOutage.STILL_DOWN_LOG.plusMillis(RegistryOutage.MAX_BACKOFF_MS));
            }
            assertThat(count(log, "Registry still unreachable (")).as("one an hour / 70 s").isEqualTo(51);
            assertThat(outage.since()).as("since the first failure").isEqualTo(wentAway);

            outage.answered(TARGET);
            outage.answered(TARGET);
            long away = Duration.between(wentAway, time.now()).toSeconds();
            assertThat(away).isBetween(3600L, 3610L);
            assertThat(count(log, "Registry mongodb://127.0.0.1:27017/ reachable again after " + away + " s"))
                    .as("once, however often it answers").isEqualTo(1);
            assertThat(outage.isDown()).isFalse();
            assertThat(outage.failures()).isZero();

            outage.failed("refused again");
            assertThat(count(log, "Registry unreachable: refused again")).as("a new outage, logged at once")
                    .isEqualTo(1);
        }
    }

    private static long count(LogCapture log, String text) {
        return log.text().lines().filter(l -> l.contains(text)).count();
    }
}
