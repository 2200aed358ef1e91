DROP INDEX route_stops_card;
