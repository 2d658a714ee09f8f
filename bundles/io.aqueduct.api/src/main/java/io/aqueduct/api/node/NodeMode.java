package io.aqueduct.api.node;

/** Whether the node works alone or as part of a cluster. */
public enum NodeMode {
    STANDALONE,
    CLUSTER;

    /** The value as written in configuration ({@code standalone}, {@code cluster}). */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
