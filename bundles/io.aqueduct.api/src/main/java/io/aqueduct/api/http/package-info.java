/**
 * The node's two HTTP faces and the operator's API tokens.
 *
 * <p>{@link io.aqueduct.api.http.HttpContexts} names the two servlet contexts of the HTTP whiteboard: public
 * playback (playlists, segments, parts, the player page, {@code /health}) and the operator surface (everything
 * under {@code /rest/}, the cluster page, every write), which asks for the Web Console's admin login or an API
 * token. Every servlet selects one of them explicitly. {@link io.aqueduct.api.http.ApiTokenStore} keeps the
 * tokens ({@code bin/aqueduct token create|list|revoke}) as salted hashes in one file.
 */
@Export
@Version("1.0.0")
package io.aqueduct.api.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
