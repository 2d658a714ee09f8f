package io.aqueduct.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code mode} and {@code password} commands of {@code bin/aqueduct}. They only edit files in
 * {@code config/}; FileInstall applies the change to a running node, and a stopped node reads it at start.
 *
 * <p>Usage: {@code AdminCommand <home> mode standalone | mode cluster <mongo> [--role origin|edge|lb]} and
 * {@code AdminCommand <home> password [new-password | -]} ({@code -} reads the password from standard input,
 * which keeps it out of the process list and the shell history). Exit status 0 on success, 2 when the
 * arguments are rejected (nothing is changed then), 1 when a file cannot be written.
 */
public final class AdminCommand {
    static final String NODE_FILE = "io.aqueduct.node.cfg";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int REJECTED = 2;

    private static final List<String> CLUSTER_ROLES = List.of("origin", "edge", "lb");

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    AdminCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: AdminCommand <home> mode|password ...");
            System.exit(REJECTED);
        }
        AdminCommand command = new AdminCommand(Path.of(args[0]), System.out, System.err);
        List<String> rest = List.of(args).subList(2, args.length);
        int status;
        try {
            switch (args[1]) {
                case "mode" -> status = command.mode(rest);
                case "password" -> status = command.password(rest, System.in);
                default -> {
                    System.err.println("unknown command: " + args[1]);
                    status = REJECTED;
                }
            }
        } catch (IOException e) {
            System.err.println("error: " + e);
            status = FAILED;
        }
        System.exit(status);
    }

    int mode(List<String> args) throws IOException {
        if (args.isEmpty()) {
            return reject("missing mode: expected 'standalone' or 'cluster <mongo> [--role origin|edge|lb]'");
        }
        String mode = args.get(0).toLowerCase(Locale.ROOT);
        Path file = home.resolve("config").resolve(NODE_FILE);
        switch (mode) {
            case "standalone" -> {
                if (args.size() > 1) {
                    return reject("standalone mode takes no further arguments, got: " + String.join(" ", args.subList(1, args.size())));
                }
                ConfigFile cfg = ConfigFile.read(file);
                cfg.set("mode", "standalone");
                // role and registry belong to cluster mode; left in place they would read as if still in use
                cfg.remove("role");
                cfg.remove("mongo.uri");
                cfg.save();
                out.println("mode = standalone written to " + file);
                return OK;
            }
            case "cluster" -> {
                String mongo = null;
                String role = "origin";
                for (int i = 1; i < args.size(); i++) {
                    String a = args.get(i);
                    if (a.equals("--role")) {
                        if (i + 1 >= args.size()) {
                            return reject("--role needs a value: origin, edge or lb");
                        }
                        role = args.get(++i);
                    } else if (a.startsWith("--role=")) {
                        role = a.substring("--role=".length());
                    } else if (a.startsWith("--")) {
                        return reject("unknown option '" + printable(a) + "'");
                    } else if (mongo == null) {
                        mongo = a;
                    } else {
                        return reject("unexpected argument '" + printable(a) + "' (the MongoDB address is '" + printable(mongo) + "')");
                    }
                }
                if (mongo == null || mongo.isEmpty()) {
                    return reject("cluster mode needs the MongoDB registry: an address (10.0.0.5), a mongodb:// or a mongodb+srv:// URI");
                }
                String problem = mongoProblem(mongo);
                if (problem != null) {
                    return reject("MongoDB address '" + printable(mongo) + "' is not valid: " + problem);
                }
                role = role.toLowerCase(Locale.ROOT);
                if (!CLUSTER_ROLES.contains(role)) {
                    return reject("unknown role '" + printable(role) + "': expected origin, edge or lb");
                }
                ConfigFile cfg = ConfigFile.read(file);
                cfg.set("mode", "cluster");
                cfg.set("role", role);
                cfg.set("mongo.uri", mongo);
                cfg.save();
                out.println("mode = cluster, role = " + role + ", mongo.uri = " + redact(mongo) + " written to " + file);
                return OK;
            }
            default -> {
                return reject("unknown mode '" + printable(args.get(0)) + "': expected standalone or cluster");
            }
        }
    }

    int password(List<String> args, java.io.InputStream stdin) throws IOException {
        if (args.size() > 1) {
            return reject("password takes at most one argument: the new password, or - to read it from standard input");
        }
        boolean generated = args.isEmpty();
        String password;
        if (generated) {
            password = ConsolePassword.generate();
        } else if (args.get(0).equals("-")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            password = r.readLine();
        } else {
            password = args.get(0);
        }
        String problem = ConsolePassword.problem(password);
        if (problem != null) {
            return reject(problem);
        }
        ConsolePassword.store(home, password);
        out.println("Web Console password for user '" + ConsolePassword.USER + "' changed.");
        if (generated) {
            out.println("New password: " + password);
        }
        return OK;
    }

    /** Why a MongoDB address cannot go into the configuration file, or null. */
    static String mongoProblem(String mongo) {
        for (int i = 0; i < mongo.length(); i++) {
            char c = mongo.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return "it contains whitespace or a control character";
            }
        }
        if (mongo.contains("${")) {
            // FileInstall would substitute it; a valid URI percent-encodes '{' anyway
            return "it contains '${'; percent-encode '{' as %7B";
        }
        return null;
    }

    /** Hides a password in a mongodb://user:password@host URI. */
    static String redact(String mongo) {
        int scheme = mongo.indexOf("://");
        int at = mongo.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return mongo;
        }
        int colon = mongo.indexOf(':', scheme + 3);
        if (colon < 0 || colon > at) {
            return mongo;
        }
        return mongo.substring(0, colon + 1) + "****" + mongo.substring(at);
    }

    /** Control characters shown escaped, so an error message cannot garble the terminal. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private int reject(String message) {
        err.println("error: " + message + "; nothing changed");
        return REJECTED;
    }
}
