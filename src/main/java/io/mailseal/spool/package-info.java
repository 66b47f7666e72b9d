/**
 * The durable queue on disk: temp file, fsync, rename, checksum, recovery on start ({@link
 * io.mailseal.spool.Spool}), and the group commit ({@link io.mailseal.spool.GroupSync}) the
 * evidence journal shares. Layer 1: may import only config.
 */
package io.mailseal.spool;
