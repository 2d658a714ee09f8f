package io.aqueduct.edge.internal.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, without sleeping longer than needed. */
public final class Poll {
    private Poll() {
    }

    /** @return whether {@code condition} held before {@code timeout} passed */
    public static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return condition.getAsBoolean();
            }
            Thread.sleep(5);
        }
        return true;
    }
}
