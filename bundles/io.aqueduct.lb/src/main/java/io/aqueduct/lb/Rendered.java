package io.aqueduct.lb;

import java.util.List;

/**
 * A rendered configuration.
 *
 * @param text the configuration, byte-identical for equal registries
 * @param skipped the nodes left out although alive, each as {@code "<id>: <why>"} (for {@code /health} and the log)
 */
public record Rendered(String text, List<String> skipped) {
    public Rendered {
        skipped = List.copyOf(skipped);
    }
}
