package io.aqueduct.cluster.mongo.internal;

import com.mongodb.ConnectionString;
import io.aqueduct.api.config.UriPassword;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the cluster registry lives, parsed from what an operator types ({@code bin/aqueduct mode cluster <mongo>},
 * {@code mongo.uri} of PID {@code io.aqueduct.node}):
 * <ul>
 * <li>a bare address: {@code 10.0.0.5}, {@code localhost}, {@code db1:27018}, {@code [fd00::5]:27018}, or several
 * separated by commas (a replica set's members);</li>
 * <li>a {@code mongodb://user:pass@host:port,host2/db?authSource=admin} URI;</li>
 * <li>a {@code mongodb+srv://} URI (resolved through DNS by the driver when it connects, not here);</li>
 * <li>{@code embedded}: this node hosts the embedded registry on a loopback port.</li>
 * </ul>
 * URIs are checked by the driver's {@link ConnectionString}, so what passes here is what the driver accepts. The
 * database is the URI's path, else {@value #DEFAULT_DATABASE}. {@link #toString()} never shows a password: the
 * target ends up in logs and on the console.
 */
public final class MongoTarget {
    public static final String DEFAULT_DATABASE = "aqueduct";
    public static final int DEFAULT_EMBEDDED_PORT = 27017;
    static final String EMBEDDED = "embedded";

    static final String ACCEPTED_FORMS = "expected a MongoDB address (10.0.0.5, db1:27018, [fd00::5]:27018, "
            + "db1,db2:27018), a mongodb://[user:pass@]host[:port][,host2...][/database][?options] URI, "
            + "a mongodb+srv://[user:pass@]host[/database][?options] URI, or 'embedded'";

    // Host names and IPv4 addresses; IPv6 only in brackets, so that a colon always starts a port.
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.%a-z]{2,}]");

    private final String uri;
    private final ConnectionString connectionString;
    private final boolean embedded;

    private MongoTarget(String uri, boolean embedded) {
        this.uri = uri;
        this.connectionString = new ConnectionString(uri);
        this.embedded = embedded;
    }

    /** Parses a target; {@code embedded} means the default loopback port {@value #DEFAULT_EMBEDDED_PORT}. */
    public static MongoTarget parse(String text) {
        return parse(text, DEFAULT_EMBEDDED_PORT);
    }

    /**
     * Parses a target; {@code embedded} means the embedded registry on loopback.
     *
     * @param embeddedPort the loopback port of the embedded registry, used when {@code text} is {@code embedded}
     * @throws IllegalArgumentException what is wrong with {@code text}, and the accepted forms
     */
    public static MongoTarget parse(String text, int embeddedPort) {
        return parse(text, "127.0.0.1", embeddedPort);
    }

    /**
     * Parses a target.
     *
     * @param embeddedHost the address the embedded registry binds ({@code host} of its configuration); a
     *        wildcard address means this node reaches it on loopback
     * @param embeddedPort its port
     * @throws IllegalArgumentException what is wrong with {@code text}, and the accepted forms
     */
    public static MongoTarget parse(String text, String embeddedHost, int embeddedPort) {
        if (embeddedPort < 1 || embeddedPort > 65535) {
            throw new IllegalArgumentException("embedded registry port " + embeddedPort
                    + ": expected a port number from 1 to 65535");
        }
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw invalid(t, "a value is required");
        }
        if (t.chars().anyMatch(Character::isWhitespace)) {
            throw invalid(t, "it contains spaces");
        }
        if (t.equalsIgnoreCase(EMBEDDED)) {
            return new MongoTarget("mongodb://" + reachable(embeddedHost) + ":" + embeddedPort + "/", true);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mongodb://") || lower.startsWith("mongodb+srv://")) {
            return fromUri(t);
        }
        if (t.contains("://")) {
            throw invalid(t, "the scheme is not mongodb:// or mongodb+srv://");
        }
        return fromAddresses(t);
    }

    /** How this node reaches a server bound to {@code host}: loopback for a wildcard, IPv6 in brackets. */
    private static String reachable(String host) {
        String h = host == null ? "" : host.trim();
        if (h.isEmpty() || h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
            return "127.0.0.1";
        }
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static MongoTarget fromUri(String t) {
        try {
            return new MongoTarget(t, false);
        } catch (IllegalArgumentException e) {
            // The driver's message explains the fault (no host, bad port, unknown option); it may quote the input,
            // so the password is masked in it as well.
            throw invalid(t, UriPassword.maskIn(String.valueOf(e.getMessage()), t));
        }
    }

    private static MongoTarget fromAddresses(String t) {
        StringBuilder hosts = new StringBuilder();
        for (String address : t.split(",", -1)) {
            checkAddress(t, address);
            if (hosts.length() > 0) {
                hosts.append(',');
            }
            hosts.append(address);
        }
        try {
            return new MongoTarget("mongodb://" + hosts + "/", false);
        } catch (IllegalArgumentException e) {
            throw invalid(t, String.valueOf(e.getMessage()));
        }
    }

    private static void checkAddress(String whole, String address) {
        if (address.isEmpty()) {
            throw invalid(whole, "an address in the list is empty");
        }
        String host = address;
        String port = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw invalid(whole, "'" + address + "' opens an IPv6 bracket and does not close it");
            }
            host = address.substring(0, close + 1);
            String rest = address.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(whole, "'" + address + "' has text after the IPv6 address that is not a :port");
                }
                port = rest.substring(1);
            }
            if (!IPV6.matcher(host).matches()) {
                throw invalid(whole, "'" + host + "' is not an IPv6 address");
            }
        } else {
            int colon = address.indexOf(':');
            if (colon >= 0) {
                if (address.indexOf(':', colon + 1) >= 0) {
                    throw invalid(whole, "'" + address + "' looks like an IPv6 address: write it in brackets, "
                            + "[" + address + "] or [" + address + "]:27017");
                }
                host = address.substring(0, colon);
                port = address.substring(colon + 1);
            }
            if (!HOST_NAME.matcher(host).matches()) {
                throw invalid(whole, "'" + host + "' is not a host name or IP address");
            }
        }
        if (port != null && !validPort(port)) {
            throw invalid(whole, "port '" + port + "' of '" + address + "' is not a number from 1 to 65535");
        }
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int p = Integer.parseInt(port);
        return p >= 1 && p <= 65535;
    }

    private static IllegalArgumentException invalid(String text, String what) {
        return new IllegalArgumentException("MongoDB target '" + redact(text) + "': " + what + "; "
                + ACCEPTED_FORMS);
    }

    /** The connection string to hand to {@code MongoClients.create}; it holds the password, so never log it. */
    public ConnectionString connectionString() {
        return connectionString;
    }

    /** The registry's database: the URI's path, else {@value #DEFAULT_DATABASE}. */
    public String database() {
        String db = connectionString.getDatabase();
        return db == null || db.isEmpty() ? DEFAULT_DATABASE : db;
    }

    /** Whether this node hosts the registry itself ({@code embedded}). */
    public boolean isEmbedded() {
        return embedded;
    }

    /** Whether the hosts come from a DNS SRV lookup ({@code mongodb+srv://}). */
    public boolean isSrv() {
        return Boolean.TRUE.equals(connectionString.isSrvProtocol());
    }

    /** The target as typed (embedded: as a URI), with the password replaced by {@code ***}. */
    public String redacted() {
        return redact(uri);
    }

    @Override
    public String toString() {
        return embedded ? "embedded (" + redacted() + ")" : redacted();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MongoTarget other && uri.equals(other.uri) && embedded == other.embedded;
    }

    @Override
    public int hashCode() {
        return uri.hashCode() * 31 + Boolean.hashCode(embedded);
    }

    /** {@code scheme://user:pass@rest} becomes {@code scheme://user:***@rest}; anything else is returned as is. */
    public static String redact(String text) {
        return UriPassword.mask(text);
    }
}
