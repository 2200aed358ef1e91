-- Where the office's routes start and end, and how many stops a courier
-- carries at most: the route planner's settings.
ALTER TABLE offices ADD COLUMN office_lat DOUBLE PRECISION;
ALTER TABLE offices ADD COLUMN office_lon DOUBLE PRECISION;
ALTER TABLE offices ADD COLUMN max_stops_per_route INTEGER NOT NULL DEFAULT 40;
