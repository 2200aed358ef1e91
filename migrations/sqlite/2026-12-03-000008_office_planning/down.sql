ALTER TABLE offices DROP COLUMN max_stops_per_route;
ALTER TABLE offices DROP COLUMN office_lon;
ALTER TABLE offices DROP COLUMN office_lat;
