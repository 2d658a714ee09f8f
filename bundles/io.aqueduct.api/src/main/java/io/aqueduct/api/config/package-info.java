/**
 * Reading configuration the operator typed: {@link io.aqueduct.api.config.Settings} parses ConfigAdmin
 * properties (which arrive as strings from {@code .cfg} files) and rejects a bad value with an
 * {@link io.aqueduct.api.config.InvalidSettingException} that names the PID, the key and the value.
 */
@Export
@Version("1.1.0")
package io.aqueduct.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
