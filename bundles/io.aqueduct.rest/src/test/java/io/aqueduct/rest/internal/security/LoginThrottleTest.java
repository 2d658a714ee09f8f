package io.aqueduct.rest.internal.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private static final long MS = 1_000_000;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottle.Settings(3, 250, 2_000, 4, 60_000, 2), now::get);

    @Test
    void theFirstFailuresAreFreeThenTheWaitDoublesUpToTheMaximum() {
        for (int i = 1; i <= 3; i++) {
            assertThat(throttle.admit("10.0.0.1")).isEqualTo(new LoginThrottle.Admission(false, 0));
            assertThat(throttle.failed("10.0.0.1")).isEqualTo(i);
        }
        long[] expected = {0, 250, 500, 1_000, 2_000, 2_000};
        for (long wait : expected) {
            LoginThrottle.Admission a = throttle.admit("10.0.0.1");
            assertThat(a).isEqualTo(new LoginThrottle.Admission(false, wait));
            now.addAndGet(wait * MS); // the caller waits, then its attempt fails again
            throttle.waited("10.0.0.1");
            throttle.failed("10.0.0.1");
        }
        assertThat(throttle.delayAfterMs(100)).isEqualTo(2_000);
        assertThat(throttle.admit("10.0.0.2")).as("another address is not slowed")
                .isEqualTo(new LoginThrottle.Admission(false, 0));
    }

    @Test
    void theWaitCountsFromTheLastFailure() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0.1");
        }
        now.addAndGet(300 * MS);
        assertThat(throttle.admit("10.0.0.1").waitMs()).isEqualTo(200);
        throttle.waited("10.0.0.1");
        now.addAndGet(200 * MS);
        assertThat(throttle.admit("10.0.0.1")).isEqualTo(new LoginThrottle.Admission(false, 0));
    }

    @Test
    void aSecondAttemptWhileOneWaitsIsRefusedAndSoIsAnyBeyondTheWaitingLimit() {
        for (String a : new String[] {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
            for (int i = 0; i < 4; i++) {
                throttle.failed(a);
            }
        }
        assertThat(throttle.admit("10.0.0.1").refused()).isFalse();
        assertThat(throttle.admit("10.0.0.1")).as("same address, one already waiting")
                .isEqualTo(new LoginThrottle.Admission(true, 250));
        assertThat(throttle.admit("10.0.0.2").refused()).isFalse();
        assertThat(throttle.admit("10.0.0.3").refused()).as("two wait already, the limit").isTrue();
        throttle.waited("10.0.0.1");
        assertThat(throttle.admit("10.0.0.3").refused()).isFalse();
    }

    @Test
    void aLoginThatWorksOrTimeClearsTheAddress() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("10.0.0.1");
            throttle.failed("10.0.0.2");
        }
        throttle.succeeded("10.0.0.1");
        assertThat(throttle.admit("10.0.0.1").waitMs()).isZero();
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(1);

        now.addAndGet(60_001 * MS);
        assertThat(throttle.admit("10.0.0.2").waitMs()).isZero();
        assertThat(throttle.failed("10.0.0.2")).as("forgotten after forgetAfter").isEqualTo(1);
    }

    @Test
    void theTableOfAddressesIsBounded() {
        for (int i = 0; i < 1_000; i++) {
            throttle.failed("10.0.3." + i);
            throttle.failed("10.0.3." + i);
        }
        assertThat(throttle.addresses()).isEqualTo(4);
        assertThat(throttle.failed("10.0.3.999")).as("the most recent stays").isEqualTo(3);
        assertThat(throttle.failed("10.0.3.0")).as("the oldest went").isEqualTo(1);
    }
}
