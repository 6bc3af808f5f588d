-- +goose Up
-- People without an e-mail (many elderly residents) may belong to a
-- communauté de partage: staff add them from the community's page, with a
-- name and, if they want, a phone that staff may call. Such a member has
-- no account (user_id NULL) and no e-mail (''). SQLite cannot drop a NOT
-- NULL, so the table is copied into its new shape.
CREATE TABLE community_members_new (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    user_id INTEGER REFERENCES users(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    share_name BOOLEAN NOT NULL DEFAULT FALSE,
    share_email BOOLEAN NOT NULL DEFAULT FALSE,
    shared_phone TEXT NOT NULL DEFAULT '',
    joined_at TIMESTAMP NOT NULL,
    left_at TIMESTAMP,
    phone TEXT NOT NULL DEFAULT '',
    added_by INTEGER REFERENCES users(id),
    UNIQUE (community_id, user_id)
);
INSERT INTO community_members_new (id, territory_id, community_id, user_id, name, email, share_name, share_email, shared_phone,
    joined_at, left_at)
SELECT id, territory_id, community_id, user_id, name, email, share_name, share_email, shared_phone, joined_at, left_at
FROM community_members;
DROP TABLE community_members;
ALTER TABLE community_members_new RENAME TO community_members;
CREATE INDEX community_members_user ON community_members (user_id);
CREATE INDEX community_members_community ON community_members (territory_id, community_id, left_at);

-- +goose Down
DELETE FROM community_members WHERE user_id IS NULL;
CREATE TABLE community_members_old (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    share_name BOOLEAN NOT NULL DEFAULT FALSE,
    share_email BOOLEAN NOT NULL DEFAULT FALSE,
    shared_phone TEXT NOT NULL DEFAULT '',
    joined_at TIMESTAMP NOT NULL,
    left_at TIMESTAMP,
    UNIQUE (community_id, user_id)
);
INSERT INTO community_members_old SELECT id, territory_id, community_id, user_id, name, email, share_name, share_email, shared_phone,
    joined_at, left_at FROM community_members;
DROP TABLE community_members;
ALTER TABLE community_members_old RENAME TO community_members;
CREATE INDEX community_members_user ON community_members (user_id);
