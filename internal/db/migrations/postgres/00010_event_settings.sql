-- +goose Up
-- What administrators set for the events of a territory: the largest party
-- one sign-up may bring without staff (a small family by default; larger
-- groups go through the team).
CREATE TABLE event_settings (
    territory_id BIGINT PRIMARY KEY REFERENCES territories(id),
    largest_party INTEGER NOT NULL,
    updated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE event_settings;
