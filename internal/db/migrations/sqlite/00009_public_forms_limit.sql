-- +goose Up
-- How many public forms one address may send in an hour: a setting of the
-- territory that its administrators change.
ALTER TABLE territories ADD COLUMN public_forms_per_hour INTEGER NOT NULL DEFAULT 30;

-- +goose Down
ALTER TABLE territories DROP COLUMN public_forms_per_hour;
