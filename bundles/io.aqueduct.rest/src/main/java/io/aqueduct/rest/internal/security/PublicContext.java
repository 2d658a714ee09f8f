package io.aqueduct.rest.internal.security;

import io.aqueduct.api.http.HttpContexts;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;

/**
 * Public playback ({@value HttpContexts#PUBLIC}): HLS and LL-HLS playlists, segments and parts, the player page and
 * {@code /health}, for anyone (WHEP and WHIP will carry their own tokens). Nothing served here may show addresses,
 * stream keys other than the one asked for, or paths.
 */
@Component(service = ServletContextHelper.class, property = "service.ranking:Integer=" + PublicContext.RANKING)
@HttpWhiteboardContext(name = HttpContexts.PUBLIC, path = "/")
public final class PublicContext extends ServletContextHelper {
    static final int RANKING = 0;
}
