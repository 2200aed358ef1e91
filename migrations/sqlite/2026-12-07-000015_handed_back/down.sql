ALTER TABLE cards DROP COLUMN handed_back;
