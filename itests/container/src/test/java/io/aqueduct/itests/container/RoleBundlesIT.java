package io.aqueduct.itests.container;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import io.aqueduct.api.node.NodeMode;
import io.aqueduct.api.node.NodeRole;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * The role manager starts exactly the bundles whose {@code Aqueduct-Roles} header lists the node's role, stops
 * the others, and leaves bundles without the header alone; checked with small bundles built here.
 */
public class RoleBundlesIT extends NodeTestSupport {

    private static final String MONGO = "mongodb://127.0.0.1:27017";

    private final List<Bundle> installed = new ArrayList<>();

    @Before
    public void standaloneWithNoConfiguration() throws Exception {
        resetNode();
    }

    @After
    public void uninstallAndReset() throws Exception {
        for (Bundle b : installed) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
        resetNode();
    }

    @Test
    public void bundlesFollowTheRoleTheyServe() throws Exception {
        Bundle edgeOnly = install("edge-only", "edge");
        Bundle standaloneOrigin = install("standalone-origin", "standalone, origin");

        // Standalone: the standalone bundle is started. The role manager handles installs in order, so once
        // the second one is active the first has been handled too and must have been left stopped.
        awaitActive(standaloneOrigin, "in standalone mode");
        assertNotActive(edgeOnly, "in standalone mode");

        configureNode("mode", "cluster", "role", "edge", "mongo.uri", MONGO);
        awaitNode(NodeMode.CLUSTER, NodeRole.EDGE);
        awaitActive(edgeOnly, "as a cluster edge");
        awaitStopped(standaloneOrigin, "as a cluster edge");

        configureNode("mode", "cluster", "role", "origin", "mongo.uri", MONGO);
        awaitNode(NodeMode.CLUSTER, NodeRole.ORIGIN);
        awaitActive(standaloneOrigin, "as a cluster origin");
        awaitStopped(edgeOnly, "as a cluster origin");

        configureNode("mode", "standalone");
        awaitNode(NodeMode.STANDALONE, NodeRole.STANDALONE);
        awaitActive(standaloneOrigin, "back in standalone mode");
        awaitStopped(edgeOnly, "back in standalone mode");
    }

    @Test
    public void aBundleInstalledLaterIsStartedWhenItServesTheCurrentRole() throws Exception {
        configureNode("mode", "cluster", "role", "edge", "mongo.uri", MONGO);
        awaitNode(NodeMode.CLUSTER, NodeRole.EDGE);

        Bundle originOnly = install("late-origin", "origin");
        Bundle originAndEdge = install("late-origin-edge", "origin,edge");
        awaitActive(originAndEdge, "when installed on a cluster edge");
        assertNotActive(originOnly, "when installed on a cluster edge");
    }

    @Test
    public void bundlesWithoutTheHeaderAreLeftAlone() throws Exception {
        Bundle neverStarted = install("no-roles-stopped", null);
        Bundle startedByHand = install("no-roles-started", null);
        startedByHand.start();
        Bundle marker = install("marker-edge", "edge");

        configureNode("mode", "cluster", "role", "edge", "mongo.uri", MONGO);
        awaitNode(NodeMode.CLUSTER, NodeRole.EDGE);
        // Once the marker is active the role manager has applied the edge role to every bundle.
        awaitActive(marker, "as a cluster edge");
        assertNotActive(neverStarted, "as a cluster edge (it has no " + NodeRole.MANIFEST_HEADER + " header)");
        assertEquals("a bundle without " + NodeRole.MANIFEST_HEADER + " started by hand should stay ACTIVE",
                "ACTIVE", stateName(startedByHand.getState()));

        configureNode("mode", "standalone");
        awaitNode(NodeMode.STANDALONE, NodeRole.STANDALONE);
        awaitStopped(marker, "back in standalone mode");
        assertNotActive(neverStarted, "in standalone mode (it has no " + NodeRole.MANIFEST_HEADER + " header)");
        assertEquals("a bundle without " + NodeRole.MANIFEST_HEADER + " started by hand should stay ACTIVE",
                "ACTIVE", stateName(startedByHand.getState()));
    }

    // ----------------------------------------------------------------------------------------------------

    /** Installs a bundle with no code, named {@code io.aqueduct.itests.<name>}, serving {@code roles} (or none). */
    private Bundle install(String name, String roles) throws IOException, BundleException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.aqueduct.itests." + name);
        main.putValue("Bundle-Version", "1.0.0");
        if (roles != null) {
            main.putValue(NodeRole.MANIFEST_HEADER, roles);
        }
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar, manifest)) {
            out.finish();
        }
        Bundle bundle = context().installBundle("itest:" + name, new ByteArrayInputStream(jar.toByteArray()));
        installed.add(bundle);
        return bundle;
    }

    private static void awaitActive(Bundle bundle, String when) {
        await(bundle.getSymbolicName() + " to be ACTIVE " + when, () -> stateName(bundle.getState()),
                "ACTIVE"::equals);
    }

    private static void awaitStopped(Bundle bundle, String when) {
        await(bundle.getSymbolicName() + " to be stopped (RESOLVED) " + when, () -> stateName(bundle.getState()),
                "RESOLVED"::equals);
    }

    private static void assertNotActive(Bundle bundle, String when) {
        assertNotEquals(bundle.getSymbolicName() + " should not be ACTIVE " + when, "ACTIVE",
                stateName(bundle.getState()));
    }
}
