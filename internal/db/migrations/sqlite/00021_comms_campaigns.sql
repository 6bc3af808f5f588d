-- +goose Up
-- The private iCalendar feed of the content calendar, one per staff
-- account: the token is derived from the nonce (renewing it changes the
-- nonce, so the old address stops working) and found by its hash.
CREATE TABLE comms_calendar_feeds (
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (territory_id, user_id)
);

-- +goose Down
DROP TABLE comms_calendar_feeds;
