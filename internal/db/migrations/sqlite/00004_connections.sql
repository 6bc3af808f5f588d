-- +goose Up
-- Links created (« liens créés »): after an event is held, attendees choose
-- to appear to the others, then whom they would like to keep in touch with;
-- a link exists when both chose each other.
CREATE TABLE connection_events (
    event_id INTEGER PRIMARY KEY REFERENCES events(id),
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE connection_profiles (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    event_id INTEGER NOT NULL REFERENCES events(id),
    registration_id INTEGER NOT NULL UNIQUE REFERENCES registrations(id),
    share TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX connection_profiles_event ON connection_profiles (event_id);

CREATE TABLE connection_choices (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    event_id INTEGER NOT NULL REFERENCES events(id),
    from_registration_id INTEGER NOT NULL REFERENCES registrations(id),
    to_registration_id INTEGER NOT NULL REFERENCES registrations(id),
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (from_registration_id, to_registration_id)
);
CREATE INDEX connection_choices_event ON connection_choices (event_id);

CREATE TABLE connection_links (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    event_id INTEGER NOT NULL REFERENCES events(id),
    registration_a INTEGER NOT NULL REFERENCES registrations(id),
    registration_b INTEGER NOT NULL REFERENCES registrations(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (registration_a, registration_b)
);
CREATE INDEX connection_links_territory ON connection_links (territory_id, event_id);

-- +goose Down
DROP TABLE connection_links;
DROP TABLE connection_choices;
DROP TABLE connection_profiles;
DROP TABLE connection_events;
