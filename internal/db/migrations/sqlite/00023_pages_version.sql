-- +goose Up
-- The version of a territory's public pages: every change made through the
-- site raises it, so that every instance stops serving the pages it kept.
ALTER TABLE territories ADD COLUMN pages_version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE territories DROP COLUMN pages_version;
