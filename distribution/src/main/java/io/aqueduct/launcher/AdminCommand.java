package io.aqueduct.launcher;

import io.aqueduct.cluster.mongo.MongoTarget;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code mode} and {@code password} commands of {@code bin/aqueduct}. They only edit files in
 * {@code config/}; FileInstall applies the change to a running node, and a stopped node reads it at start.
 *
 * <p>Usage: {@code AdminCommand <home> mode standalone | mode cluster <mongo> [<user> <password> | <user>
 * --password-stdin | --user <user> --password-stdin] [--role origin|edge|lb] [--registry-port P]} and
 * {@code AdminCommand <home> password [new-password | -]}. {@code <mongo> <user> <password>} is Ant Media Server's
 * form ({@code change_server_mode.sh cluster <mongo ip> <user> <password>}); the user and the password go into the
 * {@code mongodb://} URI percent-encoded. {@code --password-stdin} and {@code -} read a password from the first
 * line of standard input, which keeps it out of the process list and the shell history. Exit status 0 on success,
 * 2 when the arguments are rejected (nothing is changed then), 1 when a file cannot be written.
 */
public final class AdminCommand {
    static final String NODE_FILE = "io.aqueduct.node.cfg";
    static final String EMBEDDED_FILE = "io.aqueduct.registry.embedded.cfg";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int REJECTED = 2;

    private static final List<String> CLUSTER_ROLES = List.of("origin", "edge", "lb");

    private final Path home;
    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;

    AdminCommand(Path home, InputStream stdin, PrintStream out, PrintStream err) {
        this.home = home;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    /** Without standard input (a command that asks for it finds none). */
    AdminCommand(Path home, PrintStream out, PrintStream err) {
        this(home, new ByteArrayInputStream(new byte[0]), out, err);
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: AdminCommand <home> mode|password ...");
            System.exit(REJECTED);
        }
        AdminCommand command = new AdminCommand(Path.of(args[0]), System.in, System.out, System.err);
        List<String> rest = List.of(args).subList(2, args.length);
        int status;
        try {
            switch (args[1]) {
                case "mode" -> status = command.mode(rest);
                case "password" -> status = command.password(rest, command.stdin);
                case "lb" -> status = LbRender.run(command.home, rest, System.out, System.err);
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
            return reject("missing mode: expected 'standalone' or 'cluster <mongo> [<user> <password>] [--role "
                    + "origin|edge|lb]'");
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
                // The embedded registry's file stays: its server stops with the cluster bundles, after the
                // registry client has left it (deleting the file would stop it first). Its data stays too.
                if (Files.exists(home.resolve("config").resolve(EMBEDDED_FILE))) {
                    out.println("The embedded registry stops with the cluster bundles; its data stays in data/.");
                }
                return OK;
            }
            case "cluster" -> {
                return cluster(args.subList(1, args.size()), file);
            }
            default -> {
                return reject("unknown mode '" + printable(args.get(0)) + "': expected standalone or cluster");
            }
        }
    }

    /** What {@code mode cluster} was given; {@code user} and {@code password} are both null or both set. */
    private record ClusterArguments(String mongo, String user, String password, String role, String registryPort) {
    }

    /** A reason to refuse the arguments, for {@link #reject}. */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Options anywhere ({@code --role}, {@code --registry-port}, {@code --user}, {@code --password-stdin}; an argument
     * starting with '-' is never taken for an address; {@code --} ends them), then {@code <mongo> [<user>
     * [<password>]]}: Ant Media Server's form. The password comes from standard input with {@code --password-stdin}.
     */
    private ClusterArguments clusterArguments(List<String> args) throws Rejected, IOException {
        List<String> positional = new ArrayList<>();
        String role = "origin";
        String registryPort = null;
        String user = null;
        boolean passwordFromStdin = false;
        boolean options = true;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!options || !a.startsWith("-") || a.equals("-")) {
                positional.add(a);
            } else if (a.equals("--")) {
                options = false; // what follows is positional, even with a leading '-' (a password)
            } else if (a.equals("--password-stdin")) {
                passwordFromStdin = true;
            } else if (a.equals("--role") || a.equals("--registry-port") || a.equals("--user")) {
                if (i + 1 >= args.size()) {
                    throw new Rejected(a + " needs a value" + switch (a) {
                        case "--role" -> ": origin, edge or lb";
                        case "--user" -> ": the MongoDB user";
                        default -> ": a port number";
                    });
                }
                String value = args.get(++i);
                switch (a) {
                    case "--role" -> role = value;
                    case "--user" -> user = value;
                    default -> registryPort = value;
                }
            } else if (a.startsWith("--role=")) {
                role = a.substring("--role=".length());
            } else if (a.startsWith("--registry-port=")) {
                registryPort = a.substring("--registry-port=".length());
            } else if (a.startsWith("--user=")) {
                user = a.substring("--user=".length());
            } else {
                // a stray option (say -rf) is never taken for the MongoDB address
                throw new Rejected("unknown option '" + printable(a) + "' (expected --role, --registry-port, --user, "
                        + "--password-stdin; put -- before a password that starts with '-')");
            }
        }
        if (positional.isEmpty() || positional.get(0).isEmpty()) {
            throw new Rejected("cluster mode needs the MongoDB registry: an address (10.0.0.5), a mongodb:// or a "
                    + "mongodb+srv:// URI, or 'embedded' to host the registry on this node");
        }
        if (user == null && positional.size() > 1) {
            user = positional.remove(1);
        }
        String password = positional.size() > 1 ? positional.get(1) : null;
        if (positional.size() > 2 || password != null && passwordFromStdin) {
            // never echoed: one of them may be a password
            throw new Rejected("too many arguments: expected cluster <mongo> [<user> <password> | <user> "
                    + "--password-stdin | --user <user> --password-stdin] [--role origin|edge|lb] [--registry-port P]");
        }
        if (passwordFromStdin) {
            if (user == null) {
                throw new Rejected("--password-stdin needs a user: cluster <mongo> <user> --password-stdin, or --user "
                        + "<user>");
            }
            password = readLine(stdin);
            if (password == null || password.isEmpty()) {
                throw new Rejected("--password-stdin: no password on standard input for user '" + printable(user)
                        + "'");
            }
        } else if (user != null && password == null) {
            throw new Rejected("user '" + printable(user) + "' needs a password: cluster <mongo> <user> <password>, or "
                    + "--password-stdin to read it from standard input");
        }
        return new ClusterArguments(positional.get(0), user, password, role, registryPort);
    }

    private int cluster(List<String> args, Path file) throws IOException {
        ClusterArguments parsed;
        try {
            parsed = clusterArguments(args);
        } catch (Rejected e) {
            return reject(e.getMessage());
        }
        String mongo = parsed.mongo();
        String user = parsed.user();
        String registryPort = parsed.registryPort();
        String problem = mongoProblem(mongo);
        if (problem != null) {
            return reject("MongoDB address '" + printable(MongoTarget.redact(mongo)) + "' is not valid: " + problem);
        }
        int port = MongoTarget.DEFAULT_EMBEDDED_PORT;
        if (registryPort != null) {
            if (!registryPort.matches("[0-9]{1,5}") || Integer.parseInt(registryPort) < 1 || Integer.parseInt(registryPort) > 65535) {
                return reject("--registry-port '" + printable(registryPort) + "' is not a port number (1-65535)");
            }
            port = Integer.parseInt(registryPort);
        }
        MongoTarget target;
        try {
            // the registry bundle's own parser, so what passes here is what the node accepts
            target = MongoTarget.parse(mongo, port);
            if (user != null) {
                target = target.withCredentials(user, parsed.password());
            }
        } catch (IllegalArgumentException e) {
            return reject(printable(e.getMessage()));
        }
        if (registryPort != null && !target.isEmbedded()) {
            return reject("--registry-port is for 'embedded' (the port of the registry this node hosts); put the port "
                    + "of another registry in the address, e.g. 10.0.0.5:27018");
        }
        String role = parsed.role().toLowerCase(Locale.ROOT);
        if (!CLUSTER_ROLES.contains(role)) {
            return reject("unknown role '" + printable(role) + "': expected origin, edge or lb");
        }
        if (target.isEmbedded()) {
            // written first: the node's registry client reads the port from it
            Path registry = home.resolve("config").resolve(EMBEDDED_FILE);
            ConfigFile cfg = ConfigFile.read(registry);
            if (cfg.get("host") == null) {
                cfg.set("host", "127.0.0.1");
            }
            cfg.set("port", Integer.toString(port));
            if (cfg.get("path") == null) {
                cfg.set("path", "data/registry.mv.db");
            }
            cfg.save();
            out.println("embedded registry on port " + port + " written to " + registry);
        } else {
            stopEmbeddedRegistry();
        }
        ConfigFile cfg = ConfigFile.read(file);
        cfg.set("mode", "cluster");
        cfg.set("role", role);
        // as typed, unless the user and password went into it
        String uri = user != null ? target.configValue() : target.isEmbedded() ? "embedded" : mongo;
        cfg.set("mongo.uri", uri);
        // a password in the URI: the file becomes readable by its owner only
        cfg.save(!MongoTarget.redact(uri).equals(uri));
        out.println("mode = cluster, role = " + role + ", mongo.uri = " + target + " written to " + file);
        return OK;
    }

    /** Removes the embedded registry's configuration, which stops the server this node hosts (if any). */
    private void stopEmbeddedRegistry() throws IOException {
        Path registry = home.resolve("config").resolve(EMBEDDED_FILE);
        if (Files.deleteIfExists(registry)) {
            out.println(registry + " removed: this node no longer hosts the embedded registry");
        }
    }

    int password(List<String> args, InputStream stdin) throws IOException {
        if (args.size() > 1) {
            return reject("password takes at most one argument: the new password, or - to read it from standard input");
        }
        boolean generated = args.isEmpty();
        String password;
        if (generated) {
            password = ConsolePassword.generate();
        } else if (args.get(0).equals("-")) {
            password = readLine(stdin);
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

    /** The first line of {@code in} without its line end, or null when there is none. */
    private static String readLine(InputStream in) throws IOException {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
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
