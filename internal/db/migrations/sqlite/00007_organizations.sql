-- +goose Up
-- Organisations of the territory (non-profits, committees, municipal
-- councils, schools, businesses, public bodies), their seats and terms, the
-- people who hold them, and what the relève radar, the accompaniment log and
-- the adopted policies need. Calendar days (terms, adoptions, follow-ups) are
-- stored as YYYY-MM-DD text: a day has no time zone.
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    mission TEXT NOT NULL DEFAULT '',
    involvement TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    search_text TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT '',
    origin_id INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug),
    UNIQUE (territory_id, name_key)
);

CREATE TABLE organization_places (
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    place_id INTEGER NOT NULL REFERENCES places(id),
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    PRIMARY KEY (organization_id, place_id)
);
CREATE INDEX organization_places_place ON organization_places (territory_id, place_id);

CREATE TABLE organization_causes (
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    cause TEXT NOT NULL,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    PRIMARY KEY (organization_id, cause)
);
CREATE INDEX organization_causes_cause ON organization_causes (territory_id, cause);

CREATE TABLE organization_managers (
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_managers_user ON organization_managers (territory_id, user_id);

-- People who hold seats: staff-only, minimal (Law 25), never public unless
-- the person agreed that their name shows (name_public).
CREATE TABLE organization_people (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    name_public BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organization_people_name ON organization_people (territory_id, name_key);
CREATE INDEX organization_people_email ON organization_people (territory_id, email);

CREATE TABLE organization_seats (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    role TEXT NOT NULL,
    holder_id INTEGER REFERENCES organization_people(id),
    holder_since TEXT,
    term_start TEXT,
    term_end TEXT,
    open_to_newcomers BOOLEAN NOT NULL DEFAULT FALSE,
    successor_identified BOOLEAN NOT NULL DEFAULT FALSE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organization_seats_org ON organization_seats (territory_id, organization_id);
CREATE INDEX organization_seats_holder ON organization_seats (territory_id, holder_id);

CREATE TABLE organization_accompaniments (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    happened_on TEXT NOT NULL,
    topic TEXT NOT NULL,
    people TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    next_step TEXT NOT NULL DEFAULT '',
    follow_up_on TEXT,
    follow_up_done_at TIMESTAMP,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organization_accompaniments_org ON organization_accompaniments (territory_id, organization_id, happened_on);
CREATE INDEX organization_accompaniments_due ON organization_accompaniments (territory_id, follow_up_on);

CREATE TABLE organization_policies (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    adopted_on TEXT NOT NULL,
    document_url TEXT NOT NULL DEFAULT '',
    document_name TEXT NOT NULL DEFAULT '',
    document_type TEXT NOT NULL DEFAULT '',
    document BLOB,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, kind)
);
CREATE INDEX organization_policies_kind ON organization_policies (territory_id, kind);

-- Events an organisation co-organised: two organisations of one event are
-- linked (« réseautées »).
CREATE TABLE organization_events (
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events(id),
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, event_id)
);
CREATE INDEX organization_events_event ON organization_events (territory_id, event_id);

CREATE TABLE organization_radar_settings (
    territory_id INTEGER PRIMARY KEY REFERENCES territories(id),
    hats_threshold INTEGER NOT NULL,
    long_service_years INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- An import waits here, parsed and checked, until someone confirms it.
CREATE TABLE organization_imports (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    created_by INTEGER REFERENCES users(id),
    filename TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    total_rows INTEGER NOT NULL,
    error_rows INTEGER NOT NULL,
    header TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP
);
CREATE INDEX organization_imports_territory ON organization_imports (territory_id, created_at);

CREATE TABLE organization_import_rows (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    import_id INTEGER NOT NULL REFERENCES organization_imports(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    has_errors BOOLEAN NOT NULL,
    data TEXT NOT NULL,
    problems TEXT NOT NULL DEFAULT ''
);
CREATE INDEX organization_import_rows_import ON organization_import_rows (import_id, has_errors, line);

-- An organisation of the directory may be an actor that supports a
-- citizen initiative.
ALTER TABLE initiative_actors ADD COLUMN organization_id INTEGER REFERENCES organizations(id);
CREATE INDEX initiative_actors_organization ON initiative_actors (organization_id);

-- +goose Down
DROP INDEX initiative_actors_organization;
ALTER TABLE initiative_actors DROP COLUMN organization_id;
DROP TABLE organization_import_rows;
DROP TABLE organization_imports;
DROP TABLE organization_radar_settings;
DROP TABLE organization_events;
DROP TABLE organization_policies;
DROP TABLE organization_accompaniments;
DROP TABLE organization_seats;
DROP TABLE organization_people;
DROP TABLE organization_managers;
DROP TABLE organization_causes;
DROP TABLE organization_places;
DROP TABLE organizations;
