package io.aqueduct.api.health;

import java.util.Objects;

/**
 * What a {@link HealthIndicator} found.
 *
 * @param status how bad it is
 * @param message what is wrong and what to do about it; empty when all is well
 */
public record HealthCheck(Status status, String message) {

    public enum Status {
        /** Working as configured. */
        UP,
        /** Serving, but something needs the operator's attention (a rejected setting, a lost registry). */
        DEGRADED,
        /** Not serving. */
        DOWN
    }

    public HealthCheck {
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
    }

    public static HealthCheck up() {
        return new HealthCheck(Status.UP, "");
    }

    public static HealthCheck degraded(String message) {
        return new HealthCheck(Status.DEGRADED, message);
    }

    public static HealthCheck down(String message) {
        return new HealthCheck(Status.DOWN, message);
    }
}
