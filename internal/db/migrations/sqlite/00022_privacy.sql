-- +goose Up
-- The privacy centre. The person in charge of the protection of personal
-- information has a title beside their name and e-mail.
ALTER TABLE territories ADD COLUMN privacy_officer_title TEXT NOT NULL DEFAULT '';

-- The territory's retention days, where they differ from the defaults.
CREATE TABLE privacy_retention (
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    rule TEXT NOT NULL,
    days INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (territory_id, rule)
);

-- Each run of the retention, and what each rule did in it.
CREATE TABLE privacy_runs (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    day TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    failure TEXT NOT NULL DEFAULT '',
    UNIQUE (territory_id, day)
);
CREATE TABLE privacy_run_rules (
    run_id INTEGER NOT NULL REFERENCES privacy_runs(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    days INTEGER NOT NULL,
    cutoff TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    PRIMARY KEY (run_id, rule)
);

-- Staff views and exports of personal information: who, what, when, never
-- the data itself.
CREATE TABLE privacy_access_log (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    what TEXT NOT NULL,
    record TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX privacy_access_log_at ON privacy_access_log (territory_id, at);

-- The register of confidentiality incidents (Regulation A-2.1, r. 3.1, s. 7).
CREATE TABLE privacy_incidents (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    title TEXT NOT NULL,
    information TEXT NOT NULL,
    circumstances TEXT NOT NULL,
    occurred_from TEXT NOT NULL,
    occurred_to TEXT NOT NULL DEFAULT '',
    discovered_on TEXT NOT NULL,
    people INTEGER NOT NULL,
    risk TEXT NOT NULL,
    risk_reasons TEXT NOT NULL,
    commission_notified_on TEXT NOT NULL DEFAULT '',
    people_notified_on TEXT NOT NULL DEFAULT '',
    measures TEXT NOT NULL,
    closed_on TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Every erasure, as the rows it erased (never the data): applied again after
-- a restore from a copy older than it.
CREATE TABLE privacy_deletions (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    uid TEXT NOT NULL UNIQUE,
    by_staff INTEGER REFERENCES users(id) ON DELETE SET NULL,
    refs TEXT NOT NULL,
    kept TEXT NOT NULL,
    done_at TIMESTAMP NOT NULL
);

-- What a person asked that the team answers within 30 days (a correction
-- the person cannot make themself, a question).
CREATE TABLE privacy_requests (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    kind TEXT NOT NULL,
    email TEXT NOT NULL,
    details TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    due_on TEXT NOT NULL,
    answered_at TIMESTAMP,
    answered_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    answer TEXT NOT NULL DEFAULT ''
);
CREATE INDEX privacy_requests_open ON privacy_requests (territory_id, answered_at);

-- A person's records are found by their e-mail, phone or account in every
-- capability (« Mes données », an erasure): indexes for those lookups.
CREATE INDEX registrations_email ON registrations (lower(email));
CREATE INDEX registrations_phone ON registrations (phone_key);
CREATE INDEX training_enrolments_email ON training_enrolments (lower(email));
CREATE INDEX training_enrolments_phone ON training_enrolments (phone_key);
CREATE INDEX mail_outbox_to ON mail_outbox (lower(to_addr));
CREATE INDEX users_email_lower ON users (lower(email));
CREATE INDEX comms_subscribers_email ON comms_subscribers (lower(email));
CREATE INDEX idea_supports_email ON idea_supports (lower(email));
CREATE INDEX initiative_people_email ON initiative_people (lower(email));
CREATE INDEX community_members_email ON community_members (lower(email));
CREATE INDEX community_invitations_email ON community_invitations (lower(email));
CREATE INDEX ideas_submitter_email ON ideas (lower(submitter_email));
CREATE INDEX survey_responses_user ON survey_responses (user_id);
-- The daily retention reads only the registrations not yet anonymised.
CREATE INDEX registrations_identified ON registrations (event_id) WHERE manage_nonce <> '';
CREATE INDEX registrations_identified_cancelled ON registrations (status, cancelled_at) WHERE manage_nonce <> '';

-- +goose Down
DROP INDEX registrations_email;
DROP INDEX registrations_phone;
DROP INDEX training_enrolments_email;
DROP INDEX training_enrolments_phone;
DROP INDEX mail_outbox_to;
DROP INDEX users_email_lower;
DROP INDEX comms_subscribers_email;
DROP INDEX idea_supports_email;
DROP INDEX initiative_people_email;
DROP INDEX community_members_email;
DROP INDEX community_invitations_email;
DROP INDEX ideas_submitter_email;
DROP INDEX survey_responses_user;
DROP INDEX registrations_identified;
DROP INDEX registrations_identified_cancelled;
DROP TABLE privacy_requests;
DROP TABLE privacy_deletions;
DROP TABLE privacy_incidents;
DROP TABLE privacy_access_log;
DROP TABLE privacy_run_rules;
DROP TABLE privacy_runs;
DROP TABLE privacy_retention;
ALTER TABLE territories DROP COLUMN privacy_officer_title;
