DROP TABLE notification_attempts;
DROP TABLE notifications;
ALTER TABLE offices DROP COLUMN notify_channel_note;
ALTER TABLE offices DROP COLUMN notify_templates;
ALTER TABLE offices DROP COLUMN notify_moments;
ALTER TABLE offices DROP COLUMN notify_quiet_hours;
ALTER TABLE offices DROP COLUMN notify_secret;
ALTER TABLE offices DROP COLUMN notify_url;
ALTER TABLE offices DROP COLUMN notify_channel;
