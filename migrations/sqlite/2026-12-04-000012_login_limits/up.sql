-- Failed-login counts, shared by every server on the database: fixed
-- windows keyed by a hash of what is counted (a username, an address, a
-- device cookie), never the thing itself.
CREATE TABLE login_limits (
    key TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL
);
