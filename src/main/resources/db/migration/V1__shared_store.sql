-- mailseal's shared store (mailseal.store.type = postgresql), applied by `mailseal store migrate`.
-- A new version of this schema is a new file V<n>__<what>.sql; a file once released never changes
-- (Flyway checks each applied file's checksum).

-- Harvested and imported customer certificates: one row per address, replaced by the next harvest.
-- `certificates` is PEM (the candidates first, then CA certificates for the path), `capabilities`
-- the client's SMIMECapabilities (DER) when it came from signed mail. `change` grows with every
-- write: a node that missed a notification finds what changed since the highest it has seen.
CREATE SEQUENCE harvest_change;

CREATE TABLE harvest (
    address      text        PRIMARY KEY,
    certificates text        NOT NULL,
    capabilities bytea,
    stored_by    text        NOT NULL,
    stored_at    timestamptz NOT NULL DEFAULT now(),
    change       bigint      NOT NULL DEFAULT nextval('harvest_change')
);

CREATE INDEX harvest_by_change ON harvest (change);

-- The evidence journal: one hash chain per node (each node's Journal writes its own, in position
-- order), the exact text of each record as it was hashed, and the UTC day it belongs to.
CREATE TABLE evidence (
    node     text   NOT NULL,
    position bigint NOT NULL,
    day      date   NOT NULL,
    text     text   NOT NULL,
    PRIMARY KEY (node, position)
);

CREATE INDEX evidence_by_day ON evidence (node, day, position);
