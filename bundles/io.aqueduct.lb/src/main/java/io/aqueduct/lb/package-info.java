/**
 * The load balancer agent: renders the nginx or HAProxy configuration that sends publishers to the origins and
 * viewers to the edges from the cluster registry, validates it with the balancer itself ({@code nginx -t},
 * {@code haproxy -c}), swaps it in atomically and reloads the balancer whenever membership changes.
 *
 * <p>Exported, for tools outside the lb node ({@code bin/aqueduct lb render}): {@link io.aqueduct.lb.BalancerConfig}
 * renders what an lb node with the same settings would write, as a {@link io.aqueduct.lb.Rendered}, or fails with a
 * {@link io.aqueduct.lb.TemplateException}. {@code internal.render} turns a template from {@code lb-templates/} and
 * the registry's nodes into a configuration; {@code internal.agent} is the component that watches the registry and
 * applies it. The bundle runs on nodes with the {@code lb} role.
 */
@Export
@Version("1.0.0")
@Header(name = "Aqueduct-Roles", value = "lb")
package io.aqueduct.lb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.bundle.Header;
import org.osgi.annotation.versioning.Version;
