/**
 * Health reporting: components register {@link io.aqueduct.api.health.HealthIndicator} services; the
 * {@code /health} endpoint aggregates them.
 */
@Export
@Version("1.0.0")
package io.aqueduct.api.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
