package io.aqueduct.launcher;

import io.aqueduct.api.http.ApiTokenStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bin/aqueduct token create <name> | list | revoke <name>}: the operator's API tokens for the operator
 * surface ({@code Authorization: Bearer <token>}), kept by {@link ApiTokenStore} in {@value ApiTokenStore#FILE}.
 * {@code create} prints the token once; only its hash is stored. A running node sees a new or revoked token at
 * its next request. Exit status: 0 done, 1 the file cannot be read or written or there is no such token, 2 bad
 * arguments (nothing changed).
 */
public final class TokenCommand {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int REJECTED = 2;
    static final String USAGE = "usage: bin/aqueduct token create <name> | list | revoke <name>";

    private final ApiTokenStore store;
    private final PrintStream out;
    private final PrintStream err;

    TokenCommand(Path home, PrintStream out, PrintStream err) {
        this.store = ApiTokenStore.of(home);
        this.out = out;
        this.err = err;
    }

    /** Arguments: the installation directory, then the subcommand and its arguments. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println(USAGE);
            System.exit(REJECTED);
        }
        int status = new TokenCommand(Path.of(args[0]), System.out, System.err)
                .run(Arrays.asList(args).subList(1, args.length));
        System.exit(status);
    }

    int run(List<String> args) {
        String sub = args.isEmpty() ? "" : args.get(0);
        try {
            switch (sub) {
                case "create":
                    return args.size() == 2 ? create(args.get(1)) : reject("token create takes one name");
                case "list":
                    return args.size() == 1 ? list() : reject("token list takes no arguments");
                case "revoke":
                    return args.size() == 2 ? revoke(args.get(1)) : reject("token revoke takes one name");
                default:
                    return reject(sub.isEmpty() ? "token needs a subcommand" : "unknown token subcommand");
            }
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    private int create(String name) throws IOException {
        String token;
        try {
            token = store.create(name, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        } catch (IllegalArgumentException e) {
            return reject(e.getMessage());
        }
        out.println("API token '" + name + "' (shown only this once; only its hash is kept in "
                + ApiTokenStore.FILE + "):");
        out.println(token);
        out.println("Use it as: curl -H 'Authorization: Bearer " + token + "' http://<node>:5080/rest/v2/cluster/nodes");
        return OK;
    }

    private int list() throws IOException {
        List<ApiTokenStore.TokenInfo> tokens = store.list();
        if (tokens.isEmpty()) {
            out.println("no API tokens");
        }
        for (ApiTokenStore.TokenInfo t : tokens) {
            out.println(t.name() + "\tcreated " + t.created());
        }
        return OK;
    }

    private int revoke(String name) throws IOException {
        if (!store.revoke(name)) {
            err.println("error: there is no token named " + (ApiTokenStore.validName(name) ? name : "like that"));
            return FAILED;
        }
        out.println("API token '" + name + "' revoked.");
        return OK;
    }

    private int reject(String message) {
        err.println("error: " + message);
        err.println(USAGE);
        return REJECTED;
    }
}
