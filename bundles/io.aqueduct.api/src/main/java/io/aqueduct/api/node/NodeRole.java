package io.aqueduct.api.node;

import java.util.Locale;

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
}
