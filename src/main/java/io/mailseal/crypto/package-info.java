/**
 * S/MIME with BouncyCastle: CMS sign, encrypt, read and check, header protection, RFC 3161 requests
 * and token checks ({@link io.mailseal.crypto.TimestampExchange}) behind the {@link
 * io.mailseal.crypto.TimestampAuthority} interface. No network and no disk (the network clients are
 * in {@code tsa}, {@code certs} and {@code delivery}). Layer 1: may import only config.
 */
package io.mailseal.crypto;
