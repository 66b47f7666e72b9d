-- The certificates evidence records name by fingerprint (signer's, recipients'), kept once for every
-- node: the fingerprint is the SHA-256 of the DER, so a record binds the row and nothing else need
-- protect it. `mailseal evidence export` on any node puts them into the proof bundle.
CREATE TABLE evidence_certificate (
    fingerprint text        PRIMARY KEY,
    pem         text        NOT NULL,
    stored_at   timestamptz NOT NULL DEFAULT now()
);
