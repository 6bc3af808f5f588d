-- +goose Up
-- An installation administrator runs the installation itself: they add
-- territories and say on which host each one is served. It is a quality
-- of the account, not a role in a territory.
ALTER TABLE users ADD COLUMN installation_admin BOOLEAN NOT NULL DEFAULT FALSE;
-- One territory per host; the empty host is the fallback of the others.
CREATE UNIQUE INDEX territories_host ON territories (host) WHERE host <> '';

-- +goose Down
DROP INDEX territories_host;
ALTER TABLE users DROP COLUMN installation_admin;
