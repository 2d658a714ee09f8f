package io.aqueduct.api.node;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The effective role of a node, which decides the set of active capability bundles. */
public enum NodeRole {
    /** One node does everything, without a registry. */
    STANDALONE,
    /** Cluster member that ingests, transcodes and serves edges. */
    ORIGIN,
    /** Cluster member that pulls streams from origins and serves viewers. */
    EDGE,
    /** Cluster member that renders the load balancer's configuration. */
    LB;

    /** The name used in configuration and in {@value #MANIFEST_HEADER} headers. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Manifest header of a capability bundle listing the roles it serves, comma separated. */
    public static final String MANIFEST_HEADER = "Aqueduct-Roles";

    /** The role names of a {@value #MANIFEST_HEADER} header, trimmed and lower case; null for a null header. */
    public static Set<String> parseRolesHeader(String header) {
        if (header == null) {
            return null;
        }
        return Arrays.stream(header.split(","))
                .map(r -> r.trim().toLowerCase(Locale.ROOT))
                .filter(r -> !r.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
