-- Staff's resolution of a review item that is itself part of the record (a
-- flagged event of the append-only log, a rejected event): who resolved it,
-- when, and their note. One resolution per item.
CREATE TABLE review_resolutions (
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    office_id TEXT NOT NULL REFERENCES offices (id),
    resolved_by TEXT NOT NULL REFERENCES users (id),
    resolved_at TIMESTAMP NOT NULL,
    note TEXT,
    PRIMARY KEY (kind, item_id)
);
CREATE INDEX review_resolutions_office ON review_resolutions (office_id, kind);
