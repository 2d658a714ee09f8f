package io.aqueduct.api.config;

/**
 * The password in a URI's user info ({@code scheme://user:password@host/...}), found and masked for logs, health
 * checks, the console and error messages. The user info ends at the last '@' before the query: passwords should
 * percent-encode '@', but operators do not always.
 */
public final class UriPassword {
    /** What a password is replaced with. */
    public static final String MASK = "***";

    private UriPassword() {
    }

    /** The password, or null when the text has no {@code scheme://user:password@} part. */
    public static String of(String uri) {
        if (uri == null) {
            return null;
        }
        int s = uri.indexOf("://");
        if (s < 0) {
            return null;
        }
        int start = s + 3;
        int at = userInfoEnd(uri);
        if (at < start) {
            return null;
        }
        int colon = uri.indexOf(':', start);
        return colon < 0 || colon > at ? null : uri.substring(colon + 1, at);
    }

    /** {@code scheme://user:password@rest} as {@code scheme://user:***@rest}; anything else as it is. */
    public static String mask(String uri) {
        if (of(uri) == null) {
            return uri;
        }
        int colon = uri.indexOf(':', uri.indexOf("://") + 3);
        return uri.substring(0, colon + 1) + MASK + uri.substring(userInfoEnd(uri));
    }

    /** {@code text} (an error message that may quote the URI) with the URI's password masked. */
    public static String maskIn(String text, String uri) {
        String password = of(uri);
        return password == null || password.isEmpty() || text == null ? text : text.replace(password, MASK);
    }

    private static int userInfoEnd(String uri) {
        int q = uri.indexOf('?');
        return (q < 0 ? uri : uri.substring(0, q)).lastIndexOf('@');
    }
}
