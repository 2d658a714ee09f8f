/**
 * Log lines that a client cannot forge or flood: {@link io.aqueduct.api.log.LogSafe} escapes and cuts every
 * value a client chose before it reaches a log line; {@link io.aqueduct.api.log.RateLimitedLog} lets at most a
 * few per-connection lines through per time window and sums up the rest in one line.
 */
@Export
@Version("1.0.0")
package io.aqueduct.api.log;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
