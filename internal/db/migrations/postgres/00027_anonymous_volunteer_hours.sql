-- +goose Up
-- A volunteer's erasure keeps their confirmed hours, without them: the row
-- loses its account (user_id NULL), its activity and its note, and keeps its
-- day, minutes, organisation, opportunity and employer, so that every total
-- stays right. anonymous_volunteer is the same number on the kept hours of
-- one erased person (the smallest id among them), so that they still count
-- as one volunteer; it names no one.
ALTER TABLE volunteer_hours ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE volunteer_hours ADD COLUMN anonymous_volunteer BIGINT;
ALTER TABLE volunteer_hours ADD CONSTRAINT volunteer_hours_someone CHECK (user_id IS NOT NULL OR anonymous_volunteer IS NOT NULL);

-- +goose Down
ALTER TABLE volunteer_hours DROP CONSTRAINT volunteer_hours_someone;
DELETE FROM volunteer_hours WHERE user_id IS NULL;
ALTER TABLE volunteer_hours DROP COLUMN anonymous_volunteer;
ALTER TABLE volunteer_hours ALTER COLUMN user_id SET NOT NULL;
