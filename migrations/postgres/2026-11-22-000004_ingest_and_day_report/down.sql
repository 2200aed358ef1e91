ALTER TABLE routes DROP COLUMN ended_at;
ALTER TABLE card_events ADD CONSTRAINT card_events_office_id_fkey FOREIGN KEY (office_id) REFERENCES offices(id);
ALTER TABLE card_events ADD CONSTRAINT card_events_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES sync_batches(id);
ALTER TABLE cards RESET (fillfactor);
DROP INDEX cards_office_area;
CREATE INDEX cards_office_status ON cards(office_id, status, kecamatan, kelurahan);
