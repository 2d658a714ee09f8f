package io.aqueduct.cluster.mongo.internal;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * mongo-java-server's in-memory backend with its clock used throughout. The library takes a {@link Clock} but
 * stamps {@code $currentDate} with {@link Instant#now()}; this backend turns the {@code $currentDate} of a
 * {@code findAndModify} (the registry's heartbeat) into a {@code $set} of the clock's time, which is what
 * {@code $currentDate} means, so that the registry's server time runs in the test's simulated time too.
 */
final class SimulatedClockBackend extends MemoryBackend {

    SimulatedClockBackend(Clock clock) {
        super(clock);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        if (command.equalsIgnoreCase("findAndModify") && query.get("update") instanceof Document update
                && update.get("$currentDate") instanceof Document fields) {
            Document set = update.get("$set") instanceof Document s ? s : new Document();
            Instant now = getClock().instant().truncatedTo(ChronoUnit.MILLIS);
            for (String field : fields.keySet()) {
                set.put(field, now);
            }
            update.remove("$currentDate");
            update.put("$set", set);
        }
        return super.handleCommand(channel, database, command, query);
    }
}
