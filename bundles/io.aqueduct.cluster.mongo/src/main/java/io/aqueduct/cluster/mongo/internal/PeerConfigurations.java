package io.aqueduct.cluster.mongo.internal;

import java.io.IOException;
import java.util.Dictionary;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Values of other components' configurations (the RTMP and relay ports, the embedded registry's address). */
final class PeerConfigurations {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConfigurations.class);

    private final ConfigurationAdmin configAdmin;

    /** @param configAdmin where they are read; null for the defaults */
    PeerConfigurations(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /** The {@code port} of another component's configuration, or {@code defaultPort}. */
    int port(String pid, int defaultPort) {
        try {
            return Integer.parseInt(text(pid, "port", Integer.toString(defaultPort)).trim());
        } catch (NumberFormatException e) {
            return defaultPort;
        }
    }

    /** A value of another component's configuration, or {@code defaultValue} when it has none. */
    String text(String pid, String key, String defaultValue) {
        if (configAdmin == null) {
            return defaultValue;
        }
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (found != null && found.length > 0) {
                Dictionary<String, Object> p = found[0].getProperties();
                Object value = p == null ? null : p.get(key);
                if (value != null) {
                    return value.toString();
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.debug("No {} in {}: {}", key, pid, e.toString());
        }
        return defaultValue;
    }
}
