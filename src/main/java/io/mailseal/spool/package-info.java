/**
 * The durable queue on disk: temp file, fsync, rename, checksum, recovery on start
 * ({@link io.mailseal.spool.Spool}). May import only {@code config}.
 */
package io.mailseal.spool;
