package io.aqueduct.lb;

import io.aqueduct.api.cluster.ClusterNode;
import io.aqueduct.api.config.InvalidSettingException;
import io.aqueduct.lb.internal.agent.LbSettings;
import io.aqueduct.lb.internal.render.LbRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The balancer configuration an lb node renders, for a tool outside the lb node ({@code bin/aqueduct lb render}):
 * the same settings (PID {@code io.aqueduct.lb}), the same template and the same renderer as the agent, so what it
 * prints is what an lb node would write.
 */
public final class BalancerConfig {
    private final LbSettings settings;

    private BalancerConfig(LbSettings settings) {
        this.settings = settings;
    }

    /**
     * The settings of {@code config/io.aqueduct.lb.cfg}, checked as the lb node checks them.
     *
     * @param settings the PID's keys and values ({@code format}, {@code template}, {@code runtime.dir},
     *     {@code listen.*}, {@code tls.*}: docs/load-balancer.md)
     * @param home the appliance's home; relative paths are relative to it
     * @throws InvalidSettingException naming the key and the value that are wrong
     */
    public static BalancerConfig of(Map<String, ?> settings, Path home) {
        return new BalancerConfig(LbSettings.parse(settings, home));
    }

    /** {@code nginx} or {@code haproxy}. */
    public String format() {
        return settings.format().configName();
    }

    /** The template file. */
    public Path template() {
        return settings.template();
    }

    /**
     * The directory the configuration names for the balancer's pid file, error log and temporary files; the
     * balancer (and {@code nginx -t}) needs it to exist.
     */
    public Path runtimeDirectory() {
        return Path.of(settings.listeners().runtimeDir());
    }

    /**
     * Renders the template for the registry's nodes: origins take publishers, edges viewers; dead nodes are left
     * out, alive ones that cannot go into the configuration are named in {@link Rendered#skipped()}.
     *
     * @param registry the registry's address for a comment line, password already masked
     * @throws IOException the template cannot be read
     * @throws TemplateException the template is malformed or names an unknown value (with its line)
     */
    public Rendered render(List<ClusterNode> nodes, String registry) throws IOException, TemplateException {
        String template = Files.readString(settings.template(), StandardCharsets.UTF_8);
        return LbRenderer.render(settings.format(), template, nodes, settings.listeners(), registry);
    }
}
