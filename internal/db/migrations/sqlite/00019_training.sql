-- +goose Up
-- Training: programs (« Laboratoire leadership citoyen », « Faire équipe
-- avec sa communauté », the municipalities' training), their cohorts —
-- each session an event, its attendance the event's check-in — the
-- learners enrolled (for themselves or by their organisation), their
-- completion and their certificates.
ALTER TABLE events ADD COLUMN sign_up_via TEXT NOT NULL DEFAULT '';

CREATE TABLE training_programs (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    audience TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    objectives TEXT NOT NULL DEFAULT '',
    modules TEXT NOT NULL DEFAULT '',
    duration TEXT NOT NULL DEFAULT '',
    min_attendance INTEGER NOT NULL,
    project_required BOOLEAN NOT NULL,
    certificate BOOLEAN NOT NULL,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug)
);

CREATE TABLE training_cohorts (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    program_id INTEGER NOT NULL REFERENCES training_programs(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    trainers TEXT NOT NULL DEFAULT '',
    capacity INTEGER,
    price_cents INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    cancel_reason TEXT NOT NULL DEFAULT '',
    completed_on TEXT,
    session_wave_id INTEGER REFERENCES survey_waves(id),
    final_wave_id INTEGER REFERENCES survey_waves(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug)
);
CREATE INDEX training_cohorts_program ON training_cohorts (program_id);

CREATE TABLE training_cohort_places (
    cohort_id INTEGER NOT NULL REFERENCES training_cohorts(id),
    place_id INTEGER NOT NULL REFERENCES places(id),
    PRIMARY KEY (cohort_id, place_id)
);

CREATE TABLE training_sessions (
    cohort_id INTEGER NOT NULL REFERENCES training_cohorts(id),
    event_id INTEGER NOT NULL UNIQUE REFERENCES events(id),
    PRIMARY KEY (cohort_id, event_id)
);

CREATE TABLE training_enrolments (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    cohort_id INTEGER NOT NULL REFERENCES training_cohorts(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    phone_key TEXT NOT NULL DEFAULT '',
    needs TEXT NOT NULL DEFAULT '',
    ride TEXT NOT NULL DEFAULT 'none',
    from_place_id INTEGER REFERENCES places(id),
    consent_contact BOOLEAN NOT NULL,
    lang TEXT NOT NULL,
    organization_id INTEGER REFERENCES organizations(id),
    enrolled_by INTEGER REFERENCES users(id),
    status TEXT NOT NULL,
    queued_at TIMESTAMP NOT NULL,
    nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    project_done BOOLEAN NOT NULL DEFAULT FALSE,
    decision TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by INTEGER REFERENCES users(id),
    completed BOOLEAN,
    certificate_code TEXT UNIQUE,
    certificate_issued_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX training_enrolments_cohort ON training_enrolments (cohort_id, status);
CREATE INDEX training_enrolments_organization ON training_enrolments (organization_id);

CREATE TABLE training_registrations (
    enrolment_id INTEGER NOT NULL REFERENCES training_enrolments(id),
    event_id INTEGER NOT NULL REFERENCES events(id),
    registration_id INTEGER NOT NULL REFERENCES registrations(id),
    PRIMARY KEY (enrolment_id, event_id)
);

-- +goose Down
DROP TABLE training_registrations;
DROP TABLE training_enrolments;
DROP TABLE training_sessions;
DROP TABLE training_cohort_places;
DROP TABLE training_cohorts;
DROP TABLE training_programs;
ALTER TABLE events DROP COLUMN sign_up_via;
