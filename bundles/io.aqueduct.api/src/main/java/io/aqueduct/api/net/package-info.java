/**
 * The node's network threads: one Netty event loop group per node, shared as the
 * {@link io.aqueduct.api.net.EventLoops} service by every listener and client (RTMP, the relay, WebRTC's UDP and
 * TCP), so a node runs as many I/O threads as it has cores however many protocols it speaks.
 */
@Export
@Version("1.0.0")
package io.aqueduct.api.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
