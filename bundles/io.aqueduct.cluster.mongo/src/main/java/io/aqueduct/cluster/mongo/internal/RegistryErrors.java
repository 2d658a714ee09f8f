package io.aqueduct.cluster.mongo.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoCredential;
import io.aqueduct.cluster.mongo.MongoTarget;
import java.net.ConnectException;
import java.net.UnknownHostException;

/**
 * Turns what the MongoDB driver throws into one sentence an operator can act on: what failed, against which
 * registry, and what to check. The driver's own text is kept at the end (it names the hosts and the cause).
 */
final class RegistryErrors {

    private RegistryErrors() {
    }

    static String describe(Throwable e, MongoTarget target) {
        String where = target.redacted();
        MongoSecurityException security = find(e, MongoSecurityException.class);
        if (security != null) {
            MongoCredential c = security.getCredential();
            String user = c == null ? "?" : c.getUserName();
            String source = c == null ? "?" : c.getSource();
            return "authentication to the registry at " + where + " failed as user '" + user + "' (authSource "
                    + source + "): check the user name, the password and authSource in mongo.uri ("
                    + rootMessage(security) + ")";
        }
        if (find(e, UnknownHostException.class) != null) {
            return "the registry's host name in " + where + " does not resolve: check the address in mongo.uri ("
                    + rootMessage(e) + ")";
        }
        if (find(e, MongoSocketReadException.class) != null) {
            return "cannot reach the registry at " + where + ": it closed the connection (stopped or restarted?); "
                    + "this node reconnects when it answers again (" + rootMessage(e) + ")";
        }
        if (e instanceof MongoTimeoutException || find(e, MongoSocketException.class) != null) {
            String why = e.getMessage() != null && e.getMessage().contains("Connection refused")
                    || find(e, ConnectException.class) != null
                    ? "connection refused: nothing listens there; is MongoDB (or bin/aqueduct registry) running?"
                    : "no answer in time: check the address, the port, the firewall and that MongoDB is running";
            return "cannot reach the registry at " + where + ": " + why + " (" + shorten(e.getMessage()) + ")";
        }
        if (e instanceof MongoCommandException command) {
            return "the registry at " + where + " refused a command (" + command.getErrorCode() + " "
                    + command.getErrorCodeName() + "): " + command.getErrorMessage();
        }
        return "registry call to " + where + " failed: " + e;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t;
    }

    /** The driver's timeout text repeats the whole cluster description; the first 300 characters say enough. */
    private static String shorten(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= 300 ? message : message.substring(0, 300) + "...";
    }
}
