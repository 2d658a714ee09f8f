/**
 * The relay token ({@link io.aqueduct.edge.internal.token.RelayToken}): an HMAC-SHA256 of the edge's id and the
 * time, under the cluster secret, that an edge presents to an origin in its HELLO.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2104">RFC 2104 HMAC</a>,
 *      <a href="https://www.rfc-editor.org/rfc/rfc4648#section-5">RFC 4648 5, base64url</a>
 */
package io.aqueduct.edge.internal.token;
