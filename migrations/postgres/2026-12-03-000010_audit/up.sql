-- Every staff and admin action, append-only, chained by hash per office:
-- each record's hash covers the previous record's hash and its own content,
-- so an edited record breaks the chain at that record and a deleted one
-- leaves a gap in `seq`. The head (last seq and hash) is kept beside the
-- chain, so records cut from its end are detected too.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    seq BIGINT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (office_id, seq)
);
CREATE TABLE audit_heads (
    office_id TEXT PRIMARY KEY REFERENCES offices (id),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
