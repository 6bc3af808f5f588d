-- +goose Up
-- A story's consent may keep, when the person gives them, an e-mail and a
-- phone: the privacy centre finds the consent by them (« Mes données »).
ALTER TABLE comms_story_consents ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE comms_story_consents ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE comms_story_consents ADD COLUMN phone_key TEXT NOT NULL DEFAULT '';
CREATE INDEX comms_story_consents_email ON comms_story_consents (lower(email));
CREATE INDEX comms_story_consents_phone ON comms_story_consents (phone_key);

-- +goose Down
DROP INDEX comms_story_consents_phone;
DROP INDEX comms_story_consents_email;
ALTER TABLE comms_story_consents DROP COLUMN phone_key;
ALTER TABLE comms_story_consents DROP COLUMN phone;
ALTER TABLE comms_story_consents DROP COLUMN email;
