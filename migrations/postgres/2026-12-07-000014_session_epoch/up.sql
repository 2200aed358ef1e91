-- A user's sessions end at once when their password, role or standing
-- changes: every access token carries the epoch it was issued in, and a
-- token of an earlier epoch is refused on its next call (the account is
-- read on every call already). Refresh tokens are revoked beside it.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
