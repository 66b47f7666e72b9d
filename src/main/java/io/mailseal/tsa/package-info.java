/**
 * The RFC 3161 HTTP client with back-off per URL, implementing {@link
 * io.mailseal.crypto.TimestampAuthority}; building and checking the request and token stays in
 * {@code crypto}. Layer 2: may import config, policy, crypto, spool (uses crypto).
 */
package io.mailseal.tsa;
