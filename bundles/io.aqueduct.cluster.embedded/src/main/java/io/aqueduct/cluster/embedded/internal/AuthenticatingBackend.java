package io.aqueduct.cluster.embedded.internal;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 backend behind a login: a connection runs nothing but the handshake and SCRAM-SHA-1
 * ({@code saslStart}, {@code saslContinue}) until it has authenticated as the one user in the {@code admin}
 * database; anything else is answered with MongoDB's {@code Unauthorized} (13), a failed login with
 * {@code AuthenticationFailed} (18). mongo-java-server itself has no authentication.
 */
final class AuthenticatingBackend extends H2Backend {
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticatingBackend.class);
    /** What drivers send before they authenticate. */
    private static final Set<String> OPEN = Set.of("ismaster", "hello", "saslstart", "saslcontinue", "ping",
            "buildinfo", "endsessions");
    private static final int UNAUTHORIZED = 13;
    private static final int AUTHENTICATION_FAILED = 18;

    private final ScramSha1Server scram;
    private final Map<Channel, ScramSha1Server.Exchange> exchanges = new ConcurrentHashMap<>();
    private final Set<Channel> authenticated = ConcurrentHashMap.newKeySet();

    AuthenticatingBackend(MVStore store, ScramSha1Server scram) {
        super(store);
        this.scram = scram;
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        String name = command.toLowerCase(java.util.Locale.ROOT);
        if (name.equals("saslstart") || name.equals("saslcontinue")) {
            return sasl(channel, database, name.equals("saslstart"), query);
        }
        if (!authenticated.contains(channel) && !OPEN.contains(name)) {
            throw new MongoServerError(UNAUTHORIZED, "Unauthorized", "command " + command + " requires authentication");
        }
        return super.handleCommand(channel, database, command, query);
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        if (!authenticated.contains(query.getChannel())) {
            throw new MongoServerError(UNAUTHORIZED, "Unauthorized", "query requires authentication");
        }
        return super.handleQuery(query);
    }

    @Override
    public void handleClose(Channel channel) {
        exchanges.remove(channel);
        authenticated.remove(channel);
        super.handleClose(channel);
    }

    private Document sasl(Channel channel, String database, boolean start, Document query) {
        try {
            if (start) {
                if (!"SCRAM-SHA-1".equals(query.get("mechanism")) || !"admin".equals(database)) {
                    throw new ScramSha1Server.AuthenticationException("only SCRAM-SHA-1 against the admin database, "
                            + "got " + query.get("mechanism") + " against " + database);
                }
                ScramSha1Server.Exchange exchange = scram.new Exchange();
                exchanges.put(channel, exchange);
                return reply(false, exchange.first(payload(query)));
            }
            if (authenticated.contains(channel)) {
                return reply(true, ""); // the empty last step of a driver that does not skip it
            }
            ScramSha1Server.Exchange exchange = exchanges.remove(channel);
            if (exchange == null) {
                throw new ScramSha1Server.AuthenticationException("saslContinue without saslStart");
            }
            String last = exchange.last(payload(query));
            authenticated.add(channel);
            return reply(true, last);
        } catch (ScramSha1Server.AuthenticationException e) {
            exchanges.remove(channel);
            LOG.warn("Authentication failed for {}: {}", channel.remoteAddress(), e.getMessage());
            throw new MongoServerError(AUTHENTICATION_FAILED, "AuthenticationFailed", "Authentication failed.");
        }
    }

    private static String payload(Document query) throws ScramSha1Server.AuthenticationException {
        if (query.get("payload") instanceof BinData data) {
            return new String(data.getData(), StandardCharsets.UTF_8);
        }
        throw new ScramSha1Server.AuthenticationException("no SASL payload");
    }

    private static Document reply(boolean done, String payload) {
        Document reply = new Document();
        reply.put("conversationId", 1);
        reply.put("done", done);
        reply.put("payload", new BinData(payload.getBytes(StandardCharsets.UTF_8)));
        reply.put("ok", 1.0);
        return reply;
    }
}
