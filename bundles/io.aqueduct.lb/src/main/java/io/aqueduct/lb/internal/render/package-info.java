/**
 * Turns a load balancer template from {@code lb-templates/} and the registry's nodes into an nginx or HAProxy
 * configuration: {@link io.aqueduct.lb.internal.render.LbRenderer} picks the nodes and builds the values,
 * {@code Template} is the small Mustache-like language the templates are written in (described in
 * {@code lb-templates/README.md}).
 *
 * <p>Everything that reaches the configuration text is either a number, a validated address or path, or escaped to
 * {@code [A-Za-z0-9._:-/[]]}, so nothing a node writes into the registry can add a directive.
 */
package io.aqueduct.lb.internal.render;
