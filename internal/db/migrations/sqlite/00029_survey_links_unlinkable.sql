-- +goose Up
-- A private link to an anonymous questionnaire records only that it was
-- used, never when: its time would find the response written at that
-- moment (and the registration a link after an event names). Identified
-- questionnaires keep the link on the response and its time on the link.
ALTER TABLE survey_invitations ADD COLUMN used BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE survey_invitations SET used = TRUE WHERE answered_at IS NOT NULL;
UPDATE survey_invitations SET answered_at = NULL WHERE answered_at IS NOT NULL AND wave_id IN (
    SELECT w.id FROM survey_waves w JOIN survey_questionnaires q ON q.id = w.questionnaire_id WHERE q.anonymous);
-- The answers already given to anonymous questionnaires keep their day only.
UPDATE survey_responses SET created_at = substr(created_at, 1, 10) || ' 00:00:00+00:00' WHERE wave_id IN (
    SELECT w.id FROM survey_waves w JOIN survey_questionnaires q ON q.id = w.questionnaire_id WHERE q.anonymous);

-- The typed answers of a wave read a page at a time, in their order.
CREATE INDEX survey_answers_typed ON survey_answers (wave_id, id) WHERE text <> '';

-- +goose Down
DROP INDEX survey_answers_typed;
ALTER TABLE survey_invitations DROP COLUMN used;
