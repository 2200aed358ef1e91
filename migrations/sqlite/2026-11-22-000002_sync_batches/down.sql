ALTER TABLE card_events DROP COLUMN batch_id;
ALTER TABLE card_events DROP COLUMN device_time;
DROP TABLE sync_batches;
