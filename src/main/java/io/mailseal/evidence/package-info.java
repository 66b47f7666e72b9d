/**
 * The evidence journal (issue 23): one hash-chained record per recipient at each outcome ({@link
 * io.mailseal.evidence.Outcome}: envelope, hashes of the bytes that left, fingerprints, timestamp
 * tokens, the next hop's reply and TLS — never content, a Subject or a hash of the plaintext),
 * durable before the 250, anchored through {@code crypto.TimestampAuthority} ({@link
 * io.mailseal.evidence.Anchoring}), kept behind {@link io.mailseal.evidence.EvidenceStore}
 * (embedded: {@link io.mailseal.evidence.DailyFiles}; {@code store.PostgresEvidence} for several
 * nodes, which is resumable after a failed write), the certificates behind {@link
 * io.mailseal.evidence.EvidenceCertificates}; verify, find and export for the CLI. Layer 2: may
 * import config, text, crypto and spool (its {@code GroupSync} group commit); {@code seal} reports
 * acceptances to it, {@code delivery} reports through its own {@code DeliveryEvidence}, adapted in
 * {@code app}.
 */
package io.mailseal.evidence;
