-- +goose Up
-- The outbox sends each message once and keeps no secret it no longer needs:
-- a worker claims a message (status 'sending', claimed_at) before it talks to
-- the SMTP server; secrets lists, as JSON, the private links the body holds
-- (masked on the outbox page, scrubbed from the body once the message has
-- left); headers keeps the message's extra headers (List-Unsubscribe), as JSON.
ALTER TABLE mail_outbox ADD COLUMN claimed_at TIMESTAMP;
ALTER TABLE mail_outbox ADD COLUMN secrets TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '';

-- How many messages of one kind went to one person in the current window:
-- « at most once a day for this registration », « a few sign-in links an
-- hour for this account ». The key is hashed: it may name an address.
CREATE TABLE mail_limits (
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    key_hash TEXT NOT NULL,
    window_end TIMESTAMP NOT NULL,
    sent INTEGER NOT NULL,
    PRIMARY KEY (territory_id, key_hash)
);
CREATE INDEX mail_limits_window_end ON mail_limits (window_end);

-- +goose Down
DROP TABLE mail_limits;
ALTER TABLE mail_outbox DROP COLUMN headers;
ALTER TABLE mail_outbox DROP COLUMN secrets;
ALTER TABLE mail_outbox DROP COLUMN claimed_at;
