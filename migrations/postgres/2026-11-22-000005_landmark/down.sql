ALTER TABLE cards DROP COLUMN landmark;
