package io.aqueduct.cluster.mongo;

import com.mongodb.ConnectionString;
import io.aqueduct.api.config.UriPassword;
import java.nio.charset.StandardCharsets;
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
 * URIs are checked by the driver's {@link ConnectionString}, and every host of a target, typed bare or in a URI, must
 * be a host name (RFC 1123 labels), an IPv4 address or a bracketed IPv6 address, with an optional port from 1 to
 * 65535: the driver alone accepts {@code mongodb://h1,h2,/db} (an empty host) and a bare {@code -rf}, which name a
 * registry that cannot exist. The same rules hold for {@code bin/aqueduct mode cluster} and for the node reading its
 * configuration. The database is the URI's path, else {@value #DEFAULT_DATABASE}.
 *
 * <p>{@link #toString()} and {@link #redacted()} never show a password: the target ends up in logs, on the console
 * and in {@code /health}. {@link #withCredentials} adds a user and a password (Ant Media Server's
 * {@code cluster <mongo> <user> <password>}), percent-encoded into the URI.
 */
public final class MongoTarget {
    public static final String DEFAULT_DATABASE = "aqueduct";
    public static final int DEFAULT_EMBEDDED_PORT = 27017;
    static final String EMBEDDED = "embedded";

    static final String ACCEPTED_FORMS = "expected a MongoDB address (10.0.0.5, db1:27018, [fd00::5]:27018, "
            + "db1,db2:27018), a mongodb://[user:pass@]host[:port][,host2...][/database][?options] URI, "
            + "a mongodb+srv://[user:pass@]host[/database][?options] URI, or 'embedded'";

    // Host names (RFC 1123 labels, '_' allowed as container names use it; never a leading '-') and IPv4 addresses;
    // IPv6 only in brackets, so that a colon always starts a port.
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
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
        // The driver drops an empty last host (mongodb://h1,h2,/db) and takes '-rf' for a host name: each host is
        // checked as a bare address is, except a UNIX socket path (percent-encoded, ending in .sock).
        for (String host : hostSection(t).split(",", -1)) {
            if (!host.toLowerCase(Locale.ROOT).endsWith(".sock")) {
                checkAddress(t, host);
            }
        }
        try {
            return new MongoTarget(t, false);
        } catch (IllegalArgumentException e) {
            // The driver's message explains the fault (bad port, password not encoded, unknown option); it may quote
            // the input, so the password is masked in it as well.
            throw invalid(t, UriPassword.maskIn(String.valueOf(e.getMessage()), t));
        }
    }

    /** The hosts of a URI: after the scheme and the user info, up to the path or the options. */
    private static String hostSection(String uri) {
        int start = uri.indexOf("://") + 3;
        int q = uri.indexOf('?', start);
        int end = q < 0 ? uri.length() : q;
        int at = uri.lastIndexOf('@', end - 1); // the user info ends at its last '@', as UriPassword reads it
        if (at >= start) {
            start = at + 1;
        }
        int slash = uri.indexOf('/', start);
        return uri.substring(start, slash >= 0 && slash < end ? slash : end);
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
            throw invalid(whole, "a host in the list is empty (a comma too many?)");
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
            if (!hostName(host)) {
                throw invalid(whole, "'" + host + "' is not a host name or IP address");
            }
        }
        if (port != null && !validPort(port)) {
            throw invalid(whole, "port '" + port + "' of '" + address + "' is not a number from 1 to 65535");
        }
    }

    /** An IPv4 address or an RFC 1123 host name; all-numeric labels must make an IPv4 address. */
    private static boolean hostName(String host) {
        if (host.length() > 253 || IPV4.matcher(host).matches()) {
            return host.length() <= 253;
        }
        String[] labels = host.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9');
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

    /**
     * This target with a user and a password, as Ant Media Server's {@code cluster <mongo> <user> <password>} gives
     * them: both are percent-encoded into the URI's user info (RFC 3986: everything but letters, digits and
     * {@code - . _ ~}), so any character may be in them; the driver authenticates against {@code authSource} of the
     * URI, else the URI's database, else {@code admin}.
     *
     * @throws IllegalArgumentException for {@code embedded} (the embedded registry has no users), a target that
     *     names a user already, an empty user or an empty password; the message never holds the password
     */
    public MongoTarget withCredentials(String user, String password) {
        if (embedded) {
            throw new IllegalArgumentException("the embedded registry has no users: give a user and a password only "
                    + "for a MongoDB that asks for them");
        }
        if (connectionString.getUsername() != null) {
            throw new IllegalArgumentException("MongoDB target '" + redacted() + "' names a user already ('"
                    + connectionString.getUsername() + "'): give the user either in the URI or separately, not both");
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("the MongoDB user is empty");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the MongoDB password for user '" + user + "' is empty");
        }
        int rest = uri.indexOf("://") + 3;
        String withUser = uri.substring(0, rest) + percentEncode(user) + ":" + percentEncode(password) + "@"
                + uri.substring(rest);
        return fromUri(withUser);
    }

    /** {@code text} as RFC 3986 user info may hold it: UTF-8, every byte but an unreserved character as %XX. */
    static String percentEncode(String text) {
        StringBuilder b = new StringBuilder();
        for (byte c : text.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }

    /**
     * The target as a {@code mongo.uri} value of PID {@code io.aqueduct.node}: {@code embedded}, or the URI (a bare
     * address as {@code mongodb://address/}). It holds the password: for the configuration file only, never a log.
     */
    public String configValue() {
        return embedded ? EMBEDDED : uri;
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

    /** {@code text} (a driver's message that may quote the URI) with this target's password masked. */
    String maskIn(String text) {
        return UriPassword.maskIn(text, uri);
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
