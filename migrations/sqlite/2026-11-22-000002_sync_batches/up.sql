-- One row per sync request: the phone's clock against the server's.
CREATE TABLE sync_batches (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    courier_id TEXT NOT NULL REFERENCES users(id),
    device_id TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    -- received_at minus sent_at: how far the phone's clock is behind.
    skew_ms BIGINT NOT NULL,
    events INTEGER NOT NULL
);
CREATE INDEX sync_batches_courier ON sync_batches(courier_id, received_at);

-- `occurred_at` orders the log on the server's timeline; `device_time` is
-- what the phone's clock said, kept as sent.
ALTER TABLE card_events ADD COLUMN device_time TIMESTAMP;
ALTER TABLE card_events ADD COLUMN batch_id TEXT REFERENCES sync_batches(id);
