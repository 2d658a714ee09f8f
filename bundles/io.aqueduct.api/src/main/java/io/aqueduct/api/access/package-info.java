/**
 * Who may publish and play: every ingest and playback protocol asks the
 * {@link io.aqueduct.api.access.StreamAccessPolicy} services before it publishes into the hub or subscribes to
 * it, then the {@link io.aqueduct.api.access.PublishAdmission} services before a publish. With none registered,
 * everything is allowed; security and cluster work add them without touching protocols.
 */
@Export
@Version("1.1.0")
package io.aqueduct.api.access;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
