package io.aqueduct.rest.internal.security;

import io.aqueduct.api.http.HttpContexts;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;

/**
 * The operator surface ({@value HttpContexts#OPERATOR}): every request needs the console's admin login or an API
 * token ({@link HttpSecurity#decide}); without, 401 with a JSON reason. It shares the path {@code /} with the public
 * context and ranks above it, so its servlets' patterns ({@code /rest/*}, {@code /cluster.html}) are matched first and
 * everything else falls through to public playback.
 */
@Component(service = ServletContextHelper.class, property = "service.ranking:Integer=" + OperatorContext.RANKING)
@HttpWhiteboardContext(name = HttpContexts.OPERATOR, path = "/")
public final class OperatorContext extends ServletContextHelper {
    static final int RANKING = 100;

    @Reference
    HttpSecurity security;

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OperatorAccess.Decision decision = security.decide(request);
        if (decision.allowed()) {
            HttpSecurity.markAuthenticated(request, decision);
            return true;
        }
        security.refuse(response, decision);
        return false;
    }
}
