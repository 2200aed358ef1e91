ALTER TABLE resident_reports DROP COLUMN resolution_note;
ALTER TABLE resident_reports DROP COLUMN resolved_by;
ALTER TABLE resident_reports DROP COLUMN resolved_at;
ALTER TABLE resident_reports DROP COLUMN kind;
