-- Every event rewrites its card's projection; `status` in an index cost an
-- index update per event. Lists by status scan one office's cards, which
-- the office index narrows. (PostgreSQL's twin of this migration also drops
-- two per-row foreign-key checks from the event log; SQLite's checks are
-- in-process index probes and stay.)
DROP INDEX cards_office_status;
CREATE INDEX cards_office_area ON cards(office_id, kecamatan, kelurahan);

-- When a route was closed or cancelled: a day's report folds each card's
-- log up to that moment, so it does not change as the card moves on.
ALTER TABLE routes ADD COLUMN ended_at TIMESTAMP;
