-- Sync writes every event and rewrites its card's projection in the same
-- transaction, so per-row work there is the ingest rate.
--
-- An event's office is its card's office, and its batch is a record of the
-- request it came in: checking both against their tables for every row cost
-- two lookups and row locks per event (the office row's shared lock was
-- taken by every concurrent sync). The card reference stays.
ALTER TABLE card_events DROP CONSTRAINT card_events_office_id_fkey;
ALTER TABLE card_events DROP CONSTRAINT card_events_batch_id_fkey;

-- Every event rewrites its card's projection. With no index on the columns
-- the projection changes and room left in each page, PostgreSQL rewrites the
-- row in place of its page (a HOT update) without touching any index;
-- `status` in an index cost three index insertions per event. Lists by
-- status scan one office's cards, which the office index narrows.
DROP INDEX cards_office_status;
CREATE INDEX cards_office_area ON cards(office_id, kecamatan, kelurahan);
ALTER TABLE cards SET (fillfactor = 70);

-- When a route was closed or cancelled: a day's report folds each card's
-- log up to that moment, so it does not change as the card moves on.
ALTER TABLE routes ADD COLUMN ended_at TIMESTAMP;
