-- +goose Up
-- No figure is shown for a group smaller than this (survey results, counts
-- of people in the portrait), to protect the people behind it.
ALTER TABLE territories ADD COLUMN small_group_minimum INTEGER NOT NULL DEFAULT 5;

-- +goose Down
ALTER TABLE territories DROP COLUMN small_group_minimum;
