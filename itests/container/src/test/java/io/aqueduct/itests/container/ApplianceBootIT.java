package io.aqueduct.itests.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.aqueduct.api.node.NodeIdentity;
import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import io.aqueduct.api.stream.StreamHub;
import io.aqueduct.itests.container.host.ApplianceOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The shipped bundle set boots: everything active, the core services registered, standalone by default.
 * Built on {@link ContainerTestSupport} alone, so that it still reports which bundle is not active, and why,
 * when the API bundle itself does not resolve.
 */
public class ApplianceBootIT extends ContainerTestSupport {

    private static final List<String> OUR_BUNDLES = List.of("io.aqueduct.api", "io.aqueduct.core", "io.aqueduct.rest");
    /** Felix HTTP without Jetty inside: it imports Jetty's packages from the Jetty bundles. */
    private static final String FELIX_HTTP_LIGHT = "org.apache.felix.http.jetty12.light";
    /** The Jetty the distribution ships: it has the fixes for the CVEs published against 12.0.32 (12.0.33-12.0.38). */
    private static final Version JETTY_WITHOUT_KNOWN_CVES = new Version(12, 0, 40);

    @Test
    public void everyBundleThatIsNotAFragmentIsActive() {
        List<Bundle> inactive = poll(this::inactiveBundles, List::isEmpty);
        assertTrue("expected every installed bundle that is not a fragment (and serves a standalone node) to be "
                + "ACTIVE; " + describe(inactive), inactive.isEmpty());
    }

    @Test
    public void clusterOnlyBundlesResolveAndStayStoppedOnAStandaloneNode() {
        List<String> clusterOnly = Arrays.stream(context().getBundles()).filter(b -> !servesStandalone(b))
                .map(Bundle::getSymbolicName).sorted().collect(Collectors.toList());
        assertEquals(List.of("io.aqueduct.cluster.embedded", "io.aqueduct.cluster.mongo", "io.aqueduct.edge",
                "io.aqueduct.lb"), clusterOnly);
        for (String name : clusterOnly) {
            await(name + " RESOLVED (resolvable, stopped by the role manager)",
                    () -> stateName(bundle(name).getState()), "RESOLVED"::equals);
        }
    }

    @Test
    public void ourBundlesAreInstalledAndActive() {
        for (String name : OUR_BUNDLES) {
            Bundle bundle = bundle(name);
            assertNotNull(name + " should be installed (the distribution ships it in bundles/5)", bundle);
            await(name + " to be ACTIVE", () -> stateName(bundle.getState()), "ACTIVE"::equals);
        }
    }

    @Test
    public void coreServicesAreRegisteredAndTheNodeIsStandalone() {
        // No lambdas or helpers with API types here: see ContainerTestSupport.
        assertNotNull("a StreamHub service should be registered", awaitService(StreamHub.class));
        NodeIdentity identity = awaitService(NodeIdentity.class);
        assertEquals("with no configuration NodeIdentity.mode() should be STANDALONE", NodeMode.STANDALONE,
                identity.mode());
        assertEquals("with no configuration NodeIdentity.role() should be STANDALONE", NodeRole.STANDALONE,
                identity.role());
        ServiceReference<NodeIdentity> ref = context().getServiceReference(NodeIdentity.class);
        assertEquals("NodeIdentity service property " + NodeIdentity.MODE_PROPERTY, "standalone",
                ref.getProperty(NodeIdentity.MODE_PROPERTY));
        assertEquals("NodeIdentity service property " + NodeIdentity.ROLE_PROPERTY, "standalone",
                ref.getProperty(NodeIdentity.ROLE_PROPERTY));
    }

    @Test
    public void httpListensOnTheConfiguredLoopbackPort() {
        int port = Integer.parseInt(context().getProperty(ApplianceOptions.HTTP_PORT_PROPERTY));
        await("Jetty to accept connections on 127.0.0.1:" + port, () -> connects(port), Boolean::booleanValue);
    }

    /**
     * Felix HTTP's light bundle runs on the Jetty bundles the distribution ships beside it, each at least
     * {@link #JETTY_WITHOUT_KNOWN_CVES} (the full Felix bundle embeds 12.0.32: docs/architecture.md, "Jetty").
     * Read from the framework's package wiring, so it names the Jetty that actually serves, not the files on disk.
     */
    @Test
    public void theHttpServiceRunsOnJettyWithoutTheKnownCves() {
        Bundle http = bundle(FELIX_HTTP_LIGHT);
        assertNotNull(FELIX_HTTP_LIGHT + " should be installed (distribution, bundles/3)", http);
        await(FELIX_HTTP_LIGHT + " to be ACTIVE", () -> stateName(http.getState()), "ACTIVE"::equals);

        List<Bundle> jetty = http.adapt(BundleWiring.class)
                .getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE).stream()
                .filter(wire -> importedPackage(wire).startsWith("org.eclipse.jetty."))
                .map(wire -> wire.getProvider().getBundle())
                .distinct()
                .collect(Collectors.toList());
        String names = jetty.stream().map(b -> b.getSymbolicName() + " " + b.getVersion()).sorted()
                .collect(Collectors.joining(", "));
        assertTrue("Felix HTTP should import org.eclipse.jetty.server from the bundle of that name; it is wired to: "
                + names, jetty.stream().anyMatch(b -> "org.eclipse.jetty.server".equals(b.getSymbolicName())));
        for (Bundle b : jetty) {
            assertTrue(b.getSymbolicName() + " " + b.getVersion() + " should be a Jetty bundle of at least "
                    + JETTY_WITHOUT_KNOWN_CVES + "; Felix HTTP is wired to: " + names,
                    b.getSymbolicName().startsWith("org.eclipse.jetty.")
                    && b.getVersion().compareTo(JETTY_WITHOUT_KNOWN_CVES) >= 0);
        }
        System.out.println("Felix HTTP is wired to " + names);
    }

    // ----------------------------------------------------------------------------------------------------

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context().getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElse(null);
    }

    private List<Bundle> inactiveBundles() {
        return Arrays.stream(context().getBundles())
                .filter(b -> !isFragment(b) && servesStandalone(b) && b.getState() != Bundle.ACTIVE)
                .collect(Collectors.toList());
    }

    private static String importedPackage(BundleWire wire) {
        return String.valueOf(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE));
    }

    /** Without an Aqueduct-Roles header, or with standalone among its roles (read as text: no API types here). */
    private static boolean servesStandalone(Bundle bundle) {
        String roles = bundle.getHeaders("").get("Aqueduct-Roles");
        return roles == null || Arrays.stream(roles.split(",")).anyMatch(r -> r.trim().equalsIgnoreCase("standalone"));
    }

    private static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    /** Names each bundle that is not active, with the framework's reason (a resolve error, a failed start). */
    private static String describe(List<Bundle> bundles) {
        return bundles.stream().map(b -> {
            String reason;
            try {
                b.start(Bundle.START_TRANSIENT);
                reason = "starts when asked; nothing started it";
            } catch (BundleException | IllegalStateException e) {
                reason = e.getMessage();
            }
            return b.getSymbolicName() + " " + b.getVersion() + " (" + b.getLocation() + ") is "
                    + stateName(b.getState()) + ": " + reason;
        }).collect(Collectors.joining("\n  ", "bundles not ACTIVE:\n  ", ""));
    }

    private static boolean connects(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
