-- Residents' answers that need a person: a report of a problem, or a
-- confirmation sent while the card was still with the courier. Each is a
-- review item until staff resolve it with a note.
ALTER TABLE resident_reports ADD COLUMN kind TEXT NOT NULL DEFAULT 'report';
ALTER TABLE resident_reports ADD COLUMN resolved_at TIMESTAMP;
ALTER TABLE resident_reports ADD COLUMN resolved_by TEXT;
ALTER TABLE resident_reports ADD COLUMN resolution_note TEXT;
