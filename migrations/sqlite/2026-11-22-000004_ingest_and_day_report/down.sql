ALTER TABLE routes DROP COLUMN ended_at;
DROP INDEX cards_office_area;
CREATE INDEX cards_office_status ON cards(office_id, status, kecamatan, kelurahan);
