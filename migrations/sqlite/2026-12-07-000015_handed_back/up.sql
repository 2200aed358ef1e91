-- The courier says the card was handed back at the office (`handed_back`),
-- and staff have not received it yet: the card is still in the courier's
-- custody. Projected from the log like the status, so the phone, the day
-- close and the card list can show the claim apart from a receipt.
ALTER TABLE cards ADD COLUMN handed_back BOOLEAN NOT NULL DEFAULT FALSE;
