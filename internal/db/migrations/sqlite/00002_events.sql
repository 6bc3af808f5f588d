-- +goose Up
ALTER TABLE territories ADD COLUMN dinner_target INTEGER NOT NULL DEFAULT 18;

CREATE TABLE mail_attachments (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES mail_outbox(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX mail_attachments_outbox ON mail_attachments (outbox_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    place_id INTEGER NOT NULL REFERENCES places(id),
    venue_name TEXT NOT NULL DEFAULT '',
    venue_address TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    capacity INTEGER,
    registration_deadline TIMESTAMP,
    menu TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    directions TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    publish_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    cancel_reason TEXT NOT NULL DEFAULT '',
    held_at TIMESTAMP,
    attendance INTEGER,
    no_shows INTEGER,
    report_organizations TEXT NOT NULL DEFAULT '',
    report_notes TEXT NOT NULL DEFAULT '',
    sequence INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug)
);
CREATE INDEX events_territory_start ON events (territory_id, starts_at);

CREATE TABLE event_facilitators (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (event_id, user_id)
);

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    event_id INTEGER NOT NULL REFERENCES events(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    phone_key TEXT NOT NULL DEFAULT '',
    party_size INTEGER NOT NULL,
    dietary TEXT NOT NULL DEFAULT '',
    accessibility TEXT NOT NULL DEFAULT '',
    ride TEXT NOT NULL DEFAULT 'none',
    from_place_id INTEGER REFERENCES places(id),
    consent_contact BOOLEAN NOT NULL DEFAULT FALSE,
    consent_at TIMESTAMP,
    lang TEXT NOT NULL DEFAULT 'fr',
    status TEXT NOT NULL,
    queued_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    manage_nonce TEXT NOT NULL,
    manage_token_hash TEXT NOT NULL UNIQUE,
    checked_in_at TIMESTAMP,
    reminder_sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    cancelled_at TIMESTAMP
);
CREATE INDEX registrations_event ON registrations (event_id, status, queued_at, id);
CREATE INDEX registrations_event_email ON registrations (event_id, email);
CREATE INDEX registrations_event_phone ON registrations (event_id, phone_key);

-- +goose Down
DROP TABLE registrations;
DROP TABLE event_facilitators;
DROP TABLE events;
DROP TABLE mail_attachments;
ALTER TABLE territories DROP COLUMN dinner_target;
