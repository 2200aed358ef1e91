-- What to look out for near a home ("depan masjid"): from the print batch's
-- PATOKAN column, or noted by a courier at a visit for the next one.
ALTER TABLE cards ADD COLUMN landmark TEXT;
