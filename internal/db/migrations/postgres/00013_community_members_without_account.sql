-- +goose Up
-- People without an e-mail (many elderly residents) may belong to a
-- communauté de partage: staff add them from the community's page, with a
-- name and, if they want, a phone that staff may call. Such a member has
-- no account (user_id NULL) and no e-mail ('').
ALTER TABLE community_members ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE community_members ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE community_members ADD COLUMN added_by BIGINT REFERENCES users(id);
CREATE INDEX community_members_community ON community_members (territory_id, community_id, left_at);

-- +goose Down
DROP INDEX community_members_community;
ALTER TABLE community_members DROP COLUMN added_by;
ALTER TABLE community_members DROP COLUMN phone;
DELETE FROM community_members WHERE user_id IS NULL;
ALTER TABLE community_members ALTER COLUMN user_id SET NOT NULL;
