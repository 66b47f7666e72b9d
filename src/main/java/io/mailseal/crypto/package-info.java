/**
 * S/MIME with BouncyCastle: CMS sign, encrypt, read and check, header protection, RFC 3161
 * requests and token checks ({@link io.mailseal.crypto.TimestampExchange}) behind the
 * {@link io.mailseal.crypto.TimestampAuthority} interface. No network and no disk: sockets
 * live in {@code tsa}, {@code certs} and {@code delivery}. May import only {@code config}.
 */
package io.mailseal.crypto;
