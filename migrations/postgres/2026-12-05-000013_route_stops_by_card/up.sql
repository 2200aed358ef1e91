-- "Was this card ever on one of this courier's routes?" (every sync asks it
-- of each card in the batch) went through the courier's routes, one look-up
-- per route the courier ever had: a cost growing with every working day.
-- By card it is the card's few stops.
CREATE INDEX route_stops_card ON route_stops (card_id);
