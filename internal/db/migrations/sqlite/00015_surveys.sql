-- +goose Up
-- Surveys. A questionnaire's questions live in its versions, each stored
-- whole as JSON (definition); a published version never changes. Waves are
-- the runs of a questionnaire over time. Answers name questions and
-- choices by their stable codes. survey_tallies keeps, in the same
-- transaction as each response, the counts the results read, so that the
-- results of 100 000 responses are read from a few hundred rows.
CREATE TABLE survey_questionnaires (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    audience TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL,
    instrument TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    copied_from INTEGER REFERENCES survey_questionnaires(id),
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX survey_questionnaires_territory ON survey_questionnaires (territory_id);

CREATE TABLE survey_versions (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    questionnaire_id INTEGER NOT NULL REFERENCES survey_questionnaires(id),
    number INTEGER NOT NULL,
    definition TEXT NOT NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (questionnaire_id, number)
);

CREATE TABLE survey_waves (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    questionnaire_id INTEGER NOT NULL REFERENCES survey_questionnaires(id),
    name TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (questionnaire_id, name)
);
CREATE INDEX survey_waves_territory ON survey_waves (territory_id, questionnaire_id);

-- A private link: to an attendee of an event (registration_id, sent once)
-- or made by staff to hand out (label). Only the token's hash is kept.
CREATE TABLE survey_invitations (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    wave_id INTEGER NOT NULL REFERENCES survey_waves(id),
    event_id INTEGER REFERENCES events(id),
    registration_id INTEGER REFERENCES registrations(id),
    label TEXT NOT NULL DEFAULT '',
    nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    UNIQUE (wave_id, registration_id)
);

-- One response. user_id is set only for an identified questionnaire, with
-- the person's consent (consent_at); an anonymous response keeps neither
-- the person nor the private link it came through.
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    wave_id INTEGER NOT NULL REFERENCES survey_waves(id),
    version_id INTEGER NOT NULL REFERENCES survey_versions(id),
    channel TEXT NOT NULL,
    paper_number TEXT,
    invitation_id INTEGER REFERENCES survey_invitations(id),
    user_id INTEGER REFERENCES users(id),
    consent_at TIMESTAMP,
    place_id INTEGER REFERENCES places(id),
    event_id INTEGER REFERENCES events(id),
    audience TEXT NOT NULL,
    lang TEXT NOT NULL,
    entered_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (wave_id, paper_number),
    UNIQUE (wave_id, user_id),
    UNIQUE (invitation_id)
);
CREATE INDEX survey_responses_wave ON survey_responses (wave_id, id);

CREATE TABLE survey_answers (
    id INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES survey_responses(id),
    wave_id INTEGER NOT NULL REFERENCES survey_waves(id),
    question TEXT NOT NULL,
    choice TEXT NOT NULL DEFAULT '',
    number REAL,
    text TEXT NOT NULL DEFAULT '',
    declined BOOLEAN NOT NULL DEFAULT FALSE,
    moderation TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_answers_response ON survey_answers (response_id);
CREATE INDEX survey_answers_text ON survey_answers (wave_id, moderation);

-- The counts: per wave, question and code (a choice, a number as text,
-- '' for « answered », '-' for « preferred not to answer »), per place,
-- event (0: none) and audience.
CREATE TABLE survey_tallies (
    wave_id INTEGER NOT NULL REFERENCES survey_waves(id),
    question TEXT NOT NULL,
    code TEXT NOT NULL,
    place_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    audience TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (wave_id, question, code, place_id, event_id, audience)
);

-- +goose Down
DROP TABLE survey_tallies;
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_invitations;
DROP TABLE survey_waves;
DROP TABLE survey_versions;
DROP TABLE survey_questionnaires;
