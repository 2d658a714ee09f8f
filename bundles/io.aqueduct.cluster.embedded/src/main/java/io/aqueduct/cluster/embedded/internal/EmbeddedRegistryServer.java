package io.aqueduct.cluster.embedded.internal;

import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.api.config.Settings;
import io.aqueduct.api.health.HealthCheck;
import io.aqueduct.api.health.HealthIndicator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded registry (configuration PID {@value #PID}): an {@link EmbeddedRegistry} run while its
 * configuration exists, so a cluster on one machine needs no MongoDB. Reports itself in {@code /health} as check
 * {@code registry}; a bad setting is rejected and the server stays where it is.
 */
@Component(configurationPid = EmbeddedRegistryServer.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = HealthIndicator.class)
@Designate(ocd = EmbeddedRegistryServer.Config.class)
public final class EmbeddedRegistryServer implements HealthIndicator {
    static final String PID = "io.aqueduct.registry.embedded";
    static final String DEFAULT_HOST = EmbeddedRegistry.DEFAULT_HOST;
    static final int DEFAULT_PORT = EmbeddedRegistry.DEFAULT_PORT;
    static final String DEFAULT_PATH = EmbeddedRegistry.DEFAULT_PATH;
    private static final String CONFIG_FILE = "config/" + PID + ".cfg";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistryServer.class);

    @ObjectClassDefinition(name = "Aqueduct embedded registry",
            description = "A MongoDB-wire-protocol server inside this node, for a cluster on one machine")
    public @interface Config {
        @AttributeDefinition(description = "Bind address: 127.0.0.1 keeps the registry on this machine; "
                + "nodes on other machines need an address they reach (and a firewall: there is no authentication)")
        String host() default DEFAULT_HOST;

        @AttributeDefinition(description = "TCP port the MongoDB driver connects to (mongodb://host:port)")
        int port() default DEFAULT_PORT;

        @AttributeDefinition(description = "The H2 data file; a relative path is under the Aqueduct home")
        String path() default DEFAULT_PATH;
    }

    /** What the operator asked for, validated; a relative path already resolved against the home. */
    record Endpoint(String host, int port, Path path) {
        static Endpoint parse(Map<String, ?> properties, Path home) {
            Settings s = Settings.of(PID, properties);
            String host = s.host("host", DEFAULT_HOST);
            int port = s.port("port", DEFAULT_PORT);
            String p = s.string("path", DEFAULT_PATH);
            Path path;
            try {
                path = home.resolve(p).normalize();
            } catch (InvalidPathException e) {
                throw new InvalidSettingException(PID, "path", p, "expected a file path (" + e.getReason() + ")");
            }
            if (Files.isDirectory(path)) {
                throw new InvalidSettingException(PID, "path", p, "expected a file, not a directory");
            }
            return new Endpoint(host, port, path);
        }

        @Override
        public String toString() {
            return host + ":" + port + ", data in " + path;
        }
    }

    private final Path home;
    private volatile EmbeddedRegistry registry;
    private volatile Endpoint endpoint;
    private volatile String problem;

    @Activate
    public EmbeddedRegistryServer(BundleContext context) {
        this(home(context));
    }

    /** Without a framework (tests): relative paths resolve against {@code home}. */
    EmbeddedRegistryServer(Path home) {
        this.home = home;
    }

    /** {@code aqueduct.home} when the launcher set it, else the bundle's data area. */
    private static Path home(BundleContext context) {
        String h = context.getProperty("aqueduct.home");
        if (h != null && !h.isBlank()) {
            return Path.of(h);
        }
        return context.getDataFile("").toPath();
    }

    @Activate
    void activate(Map<String, Object> properties) {
        Endpoint wanted;
        String rejected = null;
        try {
            wanted = Endpoint.parse(properties, home);
        } catch (InvalidSettingException e) {
            rejected = "rejected " + e.getMessage() + "; using the defaults instead";
            LOG.error("Registry configuration {}", rejected);
            wanted = Endpoint.parse(Map.of(), home);
        }
        start(wanted);
        if (rejected != null && problem == null) {
            problem = rejected;
        }
    }

    @Modified
    void modified(Map<String, Object> properties) {
        Endpoint wanted;
        try {
            wanted = Endpoint.parse(properties, home);
        } catch (InvalidSettingException e) {
            problem = "rejected " + e.getMessage() + "; keeping the previous settings";
            LOG.error("Registry configuration {}", problem);
            return;
        }
        if (registry != null && wanted.equals(endpoint)) {
            problem = null;
            return;
        }
        Endpoint previous = registry != null ? endpoint : null;
        stop();
        start(wanted);
        if (registry == null && previous != null) {
            String failed = problem;
            start(previous);
            if (registry != null) {
                problem = failed + "; went back to the previous settings";
            } else {
                problem = failed + "; and the previous settings failed too: " + problem;
            }
            LOG.error("Registry {}", problem);
        }
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    private void start(Endpoint wanted) {
        endpoint = wanted;
        try {
            registry = EmbeddedRegistry.start(wanted.host(), wanted.port(), wanted.path());
            problem = null;
            LOG.info("Registry serving MongoDB wire protocol on {}", wanted);
        } catch (EmbeddedRegistry.StartException e) {
            registry = null;
            problem = e.getMessage() + switch (e.part()) {
                case ADDRESS -> "; free port " + wanted.port() + " or set another port (or host) in " + CONFIG_FILE;
                case DATA_FILE -> "; stop whatever holds the file or set another path in " + CONFIG_FILE;
            };
            if (e.part() == EmbeddedRegistry.StartException.Part.DATA_FILE) {
                LOG.error("Registry {}", problem, e); // the trace says what H2 disliked
            } else {
                LOG.error("Registry {}", problem);
            }
        } catch (IOException | RuntimeException e) {
            registry = null;
            problem = "cannot start on " + wanted + ": " + e + "; check the path setting in " + CONFIG_FILE;
            LOG.error("Registry {}", problem, e);
        }
    }

    private void stop() {
        EmbeddedRegistry r = registry;
        registry = null;
        if (r != null) {
            r.close();
            LOG.info("Registry stopped; data closed in {}", r.path());
        }
    }

    /** The running server, or null (tests). */
    EmbeddedRegistry registry() {
        return registry;
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public HealthCheck check() {
        EmbeddedRegistry r = registry;
        String p = problem;
        if (r == null) {
            return HealthCheck.down(p != null ? p : "not running");
        }
        String serving = "serving MongoDB wire protocol on " + r.address().getHostString() + ":"
                + r.address().getPort() + ", data in " + r.path();
        return p != null ? HealthCheck.degraded(p + " (" + serving + ")")
                : new HealthCheck(HealthCheck.Status.UP, serving);
    }
}
