/**
 * The in-node stream hub: publishers push {@link io.aqueduct.api.media.MediaPacket}s into a
 * {@link io.aqueduct.api.stream.Publication}; subscribers pull them from a
 * {@link io.aqueduct.api.stream.Subscription}, starting at the last keyframe. A slow subscriber is skipped
 * forward to the next keyframe (or disconnected) and never slows the publisher or other subscribers. A publisher
 * may say that its stream is a rendition of another ({@link io.aqueduct.api.stream.PublishOptions}).
 */
@Export
@Version("1.3.0")
package io.aqueduct.api.stream;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
