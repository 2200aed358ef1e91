-- A username names one person whatever its case: `ADMIN` cannot sit beside
-- `admin`. Logins look it up by the same lower-cased form.
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
