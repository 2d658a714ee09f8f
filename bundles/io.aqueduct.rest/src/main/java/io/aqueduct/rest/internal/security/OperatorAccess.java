package io.aqueduct.rest.internal.security;

import io.aqueduct.api.http.ApiTokenStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who may use the operator surface: the Web Console's admin user (HTTP Basic, the console's own password) or the
 * holder of an API token ({@code Authorization: Bearer}). Anyone else gets a reason, never which part was wrong
 * beyond what the client sent. With {@code clusterPagePublic} the operator chose to let anyone read the cluster page
 * and {@code GET /rest/v2/cluster/*}; writes still need a login.
 */
public final class OperatorAccess {
    static final String NO_CREDENTIALS = "authentication required: the Web Console's admin user (HTTP Basic) or an "
            + "API token (Authorization: Bearer, see bin/aqueduct token)";

    /** The outcome for one request; {@code principal} is the admin user or {@code token:<name>} when allowed. */
    public record Decision(boolean allowed, boolean credentialsSent, String principal, String reason) {
        static Decision allow(String principal) {
            return new Decision(true, principal != null, principal, null);
        }

        static Decision refuse(boolean credentialsSent, String reason) {
            return new Decision(false, credentialsSent, null, reason);
        }
    }

    private final Supplier<ConsoleLogin> console;
    private final ApiTokenStore tokens;
    private final boolean clusterPagePublic;

    /** {@code tokens} may be null: no token file (a node without an installation directory). */
    OperatorAccess(Supplier<ConsoleLogin> console, ApiTokenStore tokens, boolean clusterPagePublic) {
        this.console = console;
        this.tokens = tokens;
        this.clusterPagePublic = clusterPagePublic;
    }

    Decision decide(String method, String path, String authorization) {
        if (authorization == null || authorization.isBlank()) {
            if (clusterPagePublic && isRead(method) && isClusterView(path)) {
                return Decision.allow(null);
            }
            return Decision.refuse(false, NO_CREDENTIALS);
        }
        int space = authorization.indexOf(' ');
        String scheme = (space < 0 ? authorization : authorization.substring(0, space)).toLowerCase(Locale.ROOT);
        String credentials = space < 0 ? "" : authorization.substring(space + 1).trim();
        return switch (scheme) {
            case "basic" -> basic(credentials);
            case "bearer" -> bearer(credentials);
            default -> Decision.refuse(true, "unsupported authorization scheme: use Basic or Bearer");
        };
    }

    String realm() {
        return console.get().realm();
    }

    private Decision basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Decision.refuse(true, "malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Decision.refuse(true, "malformed Basic credentials");
        }
        String user = decoded.substring(0, colon);
        ConsoleLogin login = console.get();
        if (login.matches(user, decoded.substring(colon + 1))) {
            return Decision.allow(login.user());
        }
        return Decision.refuse(true, "wrong user name or password");
    }

    private Decision bearer(String token) {
        Optional<String> name = tokens == null ? Optional.empty() : tokens.verify(token);
        return name.map(n -> Decision.allow("token:" + n))
                .orElseGet(() -> Decision.refuse(true, "unknown or revoked API token"));
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static boolean isClusterView(String path) {
        return path != null && (path.equals("/cluster.html") || path.startsWith("/cluster/")
                || path.equals("/rest/v2/cluster") || path.startsWith("/rest/v2/cluster/"));
    }
}
