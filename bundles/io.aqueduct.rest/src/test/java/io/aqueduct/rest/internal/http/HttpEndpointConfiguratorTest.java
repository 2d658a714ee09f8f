package io.aqueduct.rest.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aqueduct.api.health.HealthCheck;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class HttpEndpointConfiguratorTest {
    /** What the launcher passed to the framework. */
    private static final Map<String, String> FRAMEWORK = Map.of(
            HttpEndpoint.JETTY_PORT, "5080", HttpEndpoint.JETTY_HOST, "0.0.0.0");

    private final List<Dictionary<String, ?>> jettyUpdates = new ArrayList<>();
    private Dictionary<String, Object> jettyConfig;
    private HttpEndpointConfigurator configurator;

    @BeforeEach
    void setUp() {
        configurator = new HttpEndpointConfigurator();
        configurator.configurationAdmin = configurationAdmin();
    }

    @Test
    void sameEndpointAsJettyAlreadyUsesWritesNothing() throws Exception {
        configurator.apply(Map.of("port", "5080", "host", "0.0.0.0"), FRAMEWORK::get);
        assertTrue(jettyUpdates.isEmpty(), "an unchanged endpoint must not restart Jetty");
        assertEquals(HealthCheck.up(), configurator.check());
    }

    @Test
    void changedPortIsWrittenToJettysConfigurationOnce() throws Exception {
        configurator.apply(Map.of("port", "6000", "host", "0.0.0.0"), FRAMEWORK::get);
        assertEquals(1, jettyUpdates.size());
        assertEquals(6000, jettyUpdates.get(0).get(HttpEndpoint.JETTY_PORT));
        assertEquals("0.0.0.0", jettyUpdates.get(0).get(HttpEndpoint.JETTY_HOST));

        configurator.apply(Map.of("port", "6000", "host", "0.0.0.0"), FRAMEWORK::get);
        assertEquals(1, jettyUpdates.size(), "the same value again must not restart Jetty");
    }

    @Test
    void otherJettyPropertiesAreKept() throws Exception {
        jettyConfig = new Hashtable<>();
        jettyConfig.put("org.apache.felix.http.timeout", "30000");
        configurator.apply(Map.of("port", "6001"), FRAMEWORK::get);
        assertEquals("30000", jettyUpdates.get(0).get("org.apache.felix.http.timeout"));
    }

    @Test
    void badValueIsRejectedReportedAndTheEndpointKept() throws Exception {
        configurator.apply(Map.of("port", "abc"), FRAMEWORK::get);
        assertTrue(jettyUpdates.isEmpty());
        HealthCheck check = configurator.check();
        assertEquals(HealthCheck.Status.DEGRADED, check.status());
        assertTrue(check.message().contains("io.aqueduct.http: port = 'abc'"), check.message());
        assertTrue(check.message().contains("keeping the previous setting 0.0.0.0:5080"), check.message());

        configurator.apply(Map.of("port", "5080"), FRAMEWORK::get);
        assertEquals(HealthCheck.up(), configurator.check(), "a good configuration clears the rejection");
        assertTrue(jettyUpdates.isEmpty());
    }

    @Test
    void healthCheckIsNamedHttpConfig() {
        assertEquals("http-config", configurator.name());
        assertNull(jettyConfig);
    }

    /** A ConfigurationAdmin holding the one configuration the configurator touches. */
    private ConfigurationAdmin configurationAdmin() {
        Configuration jetty = (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> jettyConfig;
                    case "getPid" -> HttpEndpoint.JETTY_PID;
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                        jettyUpdates.add(d);
                        jettyConfig = d;
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConfiguration") && HttpEndpoint.JETTY_PID.equals(args[0])) {
                        return jetty;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
