-- Residents hear about their card. The office's channel and its rules; the
-- outbox, written in the same transaction as the event that causes each
-- message (one per card, moment and cause: the event or route behind it);
-- and every attempt to send, with the gateway's answer.
ALTER TABLE offices ADD COLUMN notify_channel TEXT NOT NULL DEFAULT 'none';
ALTER TABLE offices ADD COLUMN notify_url TEXT;
ALTER TABLE offices ADD COLUMN notify_secret TEXT;
ALTER TABLE offices ADD COLUMN notify_quiet_hours TEXT NOT NULL DEFAULT '21:00-07:00';
ALTER TABLE offices ADD COLUMN notify_moments TEXT NOT NULL DEFAULT 'scheduled,out_for_delivery,attempt_failed,left_at_village_office,held_for_pickup,delivered';
ALTER TABLE offices ADD COLUMN notify_templates TEXT NOT NULL DEFAULT '{}';
-- Why the channel was turned off by the system (a gateway's 410), for the admin.
ALTER TABLE offices ADD COLUMN notify_channel_note TEXT;
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    card_id TEXT NOT NULL REFERENCES cards (id),
    moment TEXT NOT NULL,
    cause TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    phone TEXT,
    link_token TEXT,
    vars TEXT NOT NULL,
    message TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    UNIQUE (card_id, moment, cause)
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_office ON notifications (office_id, created_at);
CREATE TABLE notification_attempts (
    notification_id TEXT NOT NULL REFERENCES notifications (id),
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    http_status INTEGER,
    error TEXT,
    PRIMARY KEY (notification_id, attempt)
);
