-- +goose Up
-- What a report used besides its values — the model's words, its
-- indicators with their names, baselines and targets, the highlights and
-- the program's steps — kept with it when it is made, so that it reads the
-- same whatever changes later. Empty for the reports made before.
ALTER TABLE impact_reports ADD COLUMN content TEXT;

-- +goose Down
ALTER TABLE impact_reports DROP COLUMN content;
