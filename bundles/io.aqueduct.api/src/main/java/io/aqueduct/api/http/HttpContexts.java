package io.aqueduct.api.http;

/**
 * Names and whiteboard selection filters of the node's two servlet contexts. A servlet chooses its face with
 * {@code @HttpWhiteboardContextSelect(HttpContexts.SELECT_PUBLIC)} or {@link #SELECT_OPERATOR}; one that
 * selects neither lands in the whiteboard's default context, which nothing here uses.
 */
public final class HttpContexts {
    /** Public playback: HLS and LL-HLS playlists, segments and parts, the player page, {@code /health}. */
    public static final String PUBLIC = "aqueduct.public";
    /** The operator surface: {@code /rest/}, the cluster page, every write. Asks for a login or an API token. */
    public static final String OPERATOR = "aqueduct.operator";
    public static final String SELECT_PUBLIC = "(osgi.http.whiteboard.context.name=" + PUBLIC + ")";
    public static final String SELECT_OPERATOR = "(osgi.http.whiteboard.context.name=" + OPERATOR + ")";

    private HttpContexts() {
    }
}
