/**
 * The shared store of several relay nodes (issue 24, DESIGN.md "Scale beyond one machine"):
 * PostgreSQL through {@link io.mailseal.store.Database} (HikariCP, Flyway migrations in {@code
 * db/migration}). It implements the interfaces of the rooms that keep what nodes share — the
 * harvest store of {@code certs} and {@code evidence.EvidenceStore} — and tells every node when a
 * harvest changed (LISTEN/NOTIFY, with a periodic re-check). Layer 3: may import config, text, net,
 * certs and evidence; {@code app} chooses between it and the embedded files. The spool stays on
 * each node's own disk.
 */
package io.mailseal.store;
