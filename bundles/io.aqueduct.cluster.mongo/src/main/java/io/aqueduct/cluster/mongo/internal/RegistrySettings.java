package io.aqueduct.cluster.mongo.internal;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.config.Settings;
import io.aqueduct.cluster.mongo.MongoTarget;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The validated content of configuration PID {@value #PID}: how often this node heartbeats, when a node counts as
 * dead, how long a registry call may take, and the database. Where the registry is comes from {@code mongo.uri}
 * of PID {@code io.aqueduct.node} ({@link MongoTarget}).
 *
 * @param database the database name; empty to take it from the URI's path, else {@value MongoTarget#DEFAULT_DATABASE}
 */
record RegistrySettings(Duration heartbeatPeriod, Duration deadAfter, Duration timeout, String database) {
    static final String PID = "io.aqueduct.cluster";
    static final long DEFAULT_HEARTBEAT_MS = 1000;
    static final long DEFAULT_DEAD_AFTER_MS = 5000;
    static final long DEFAULT_TIMEOUT_MS = 2000;
    static final RegistrySettings DEFAULTS = new RegistrySettings(Duration.ofMillis(DEFAULT_HEARTBEAT_MS),
            Duration.ofMillis(DEFAULT_DEAD_AFTER_MS), Duration.ofMillis(DEFAULT_TIMEOUT_MS), "");

    // MongoDB database names: no '/\. "$' and at most 63 bytes
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_-]{1,63}");

    /** @throws InvalidSettingException naming the first bad key and value */
    static RegistrySettings parse(Map<String, ?> properties) {
        Settings s = Settings.of(PID, properties);
        long period = s.duration("heartbeat.period.ms", DEFAULT_HEARTBEAT_MS, 100, 60_000);
        long deadAfter = s.duration("dead.after.ms", DEFAULT_DEAD_AFTER_MS, 300, 600_000);
        if (deadAfter < 2 * period) {
            throw new InvalidSettingException(PID, "dead.after.ms", Long.toString(deadAfter),
                    "must be at least twice heartbeat.period.ms (" + period + "), or one late heartbeat makes a "
                            + "node look dead");
        }
        long timeout = s.duration("timeout.ms", DEFAULT_TIMEOUT_MS, 100, 60_000);
        String database = s.string("database", "");
        if (!database.isEmpty() && !DATABASE.matcher(database).matches()) {
            throw new InvalidSettingException(PID, "database", database,
                    "use 1 to 63 letters, digits, '_' or '-'");
        }
        return new RegistrySettings(Duration.ofMillis(period), Duration.ofMillis(deadAfter),
                Duration.ofMillis(timeout), database);
    }

    /** The database to use for a target: this setting, else the target's. */
    String databaseFor(MongoTarget target) {
        return database.isEmpty() ? target.database() : database;
    }

    String describe() {
        return "heartbeat every " + heartbeatPeriod.toMillis() + " ms, dead after " + deadAfter.toMillis()
                + " ms, timeout " + timeout.toMillis() + " ms";
    }
}
