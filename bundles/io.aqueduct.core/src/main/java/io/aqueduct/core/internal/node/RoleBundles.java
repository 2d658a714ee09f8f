package io.aqueduct.core.internal.node;

import io.aqueduct.api.node.NodeRole;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Starts and stops capability bundles by the roles they name in their {@value NodeRole#MANIFEST_HEADER} header.
 * Bundles without the header (the API, core, REST and the system bundles) and fragments are never touched.
 */
final class RoleBundles {

    private RoleBundles() {
    }

    /** The roles a bundle serves, or null when it has no {@value NodeRole#MANIFEST_HEADER} header. */
    static Set<String> rolesOf(Bundle bundle) {
        if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
            return null;
        }
        return NodeRole.parseRolesHeader(bundle.getHeaders("").get(NodeRole.MANIFEST_HEADER));
    }

    /** Whether a bundle is meant to run in the role (true for bundles without the header). */
    static boolean wanted(Bundle bundle, NodeRole role) {
        Set<String> roles = rolesOf(bundle);
        return roles == null || roles.contains(role.configName());
    }

    /**
     * Brings one bundle in line with the role.
     *
     * @return null when fine, else what went wrong
     */
    static String apply(Bundle bundle, NodeRole role) {
        Set<String> roles = rolesOf(bundle);
        if (roles == null || bundle.getState() == Bundle.UNINSTALLED) {
            return null;
        }
        try {
            if (roles.contains(role.configName())) {
                if (bundle.getState() != Bundle.ACTIVE && bundle.getState() != Bundle.STARTING) {
                    bundle.start();
                }
            } else if (bundle.getState() == Bundle.ACTIVE || bundle.getState() == Bundle.STARTING) {
                bundle.stop();
            }
            return null;
        } catch (BundleException | IllegalStateException e) {
            return bundle.getSymbolicName() + " could not be " + (roles.contains(role.configName()) ? "started" : "stopped")
                    + " for role " + role.configName() + ": " + e.getMessage();
        }
    }
}
