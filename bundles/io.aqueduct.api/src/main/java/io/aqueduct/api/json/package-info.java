/** JSON for the REST reads of every bundle: {@link io.aqueduct.api.json.JsonWriter}, compact and checked. */
@Export
@Version("1.0.0")
package io.aqueduct.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
