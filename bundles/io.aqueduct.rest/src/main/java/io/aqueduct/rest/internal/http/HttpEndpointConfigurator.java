package io.aqueduct.rest.internal.http;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the node's HTTP settings (PID {@value HttpEndpoint#PID}) to Jetty by writing Felix HTTP's own
 * configuration ({@value HttpEndpoint#JETTY_PID}), so an edit of {@code config/io.aqueduct.http.cfg} moves
 * the listener without a restart.
 *
 * <p>A value that does not parse is rejected: logged once at ERROR with the PID, key and value, reported by
 * the {@code http-config} health check as DEGRADED, and Jetty stays where it is. Jetty's configuration is
 * written only when the endpoint really changes, because every write restarts Jetty.
 *
 * <p>The component needs a configuration ({@code REQUIRE}): without the file, the launcher's framework
 * properties (from the same file, read at start) already say where Jetty listens, and a component with
 * defaults would move Jetty to the default port before FileInstall delivers the file.
 */
@Component(configurationPid = HttpEndpoint.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = HealthIndicator.class, immediate = true)
@Designate(ocd = HttpEndpointConfigurator.Config.class)
public final class HttpEndpointConfigurator implements HealthIndicator {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointConfigurator.class);

    @ObjectClassDefinition(name = "Aqueduct HTTP endpoint",
            description = "Port and bind address of the node's HTTP server: /health, the REST API, HLS and the "
                    + "Web Console. Changes move the listener at once.")
    public @interface Config {
        @AttributeDefinition(description = "TCP port, 1-65535 (default 5080)")
        int port() default HttpEndpoint.DEFAULT_PORT;

        @AttributeDefinition(description = "Bind address: 0.0.0.0 for every IPv4 interface, 127.0.0.1 for this "
                + "machine only, or one address (default 0.0.0.0)")
        String host() default HttpEndpoint.DEFAULT_HOST;
    }

    @Reference
    ConfigurationAdmin configurationAdmin;

    private volatile String rejection;

    @Activate
    @Modified
    void configure(BundleContext context, Map<String, Object> properties) throws IOException {
        apply(properties, context::getProperty);
    }

    void apply(Map<String, ?> properties, UnaryOperator<String> frameworkProperty) throws IOException {
        // "?": a multi-location configuration, so it reaches Felix HTTP and is not bound to this bundle
        Configuration jetty = configurationAdmin.getConfiguration(HttpEndpoint.JETTY_PID, "?");
        Dictionary<String, Object> jettyProperties = jetty.getProperties();
        HttpEndpoint current = HttpEndpoint.current(jettyProperties, frameworkProperty);

        HttpEndpoint wanted;
        try {
            wanted = HttpEndpoint.parse(properties);
        } catch (InvalidSettingException e) {
            rejection = e.getMessage() + "; keeping the previous setting " + current;
            LOG.error("Rejected configuration {}", rejection);
            return;
        }
        if (rejection != null) {
            LOG.info("{} accepted; the earlier rejection is cleared", HttpEndpoint.PID);
            rejection = null;
        }
        if (wanted.equals(current)) {
            return;
        }
        LOG.info("HTTP endpoint moves from {} to {}", current, wanted);
        Hashtable<String, Object> updated = new Hashtable<>();
        if (jettyProperties != null) {
            // keep whatever else an operator configured for Felix HTTP
            for (Enumeration<String> keys = jettyProperties.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                updated.put(key, jettyProperties.get(key));
            }
        }
        updated.put(HttpEndpoint.JETTY_PORT, wanted.port());
        updated.put(HttpEndpoint.JETTY_HOST, wanted.host());
        jetty.update(updated);
    }

    @Override
    public String name() {
        return "http-config";
    }

    @Override
    public HealthCheck check() {
        String r = rejection;
        return r == null ? HealthCheck.up() : HealthCheck.degraded("rejected " + r);
    }
}
