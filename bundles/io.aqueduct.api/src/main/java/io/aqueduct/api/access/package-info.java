/**
 * Who may publish and play: every ingest and playback protocol asks the
 * {@link io.aqueduct.api.access.StreamAccessPolicy} services before it publishes into the hub or subscribes to
 * it. With no policy registered, everything is allowed; security work adds policies without touching protocols.
 */
@Export
@Version("1.0.0")
package io.aqueduct.api.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
