-- +goose Up
-- Volunteering: involvement profiles, opportunities posted by organisations,
-- applications, hours given and their confirmation, recognition
-- certificates, the weekly digest, and the tracked short links (jebénévole.ca
-- and any outside page). Interests, skills, languages and availability are
-- bit sets (INTEGER), so that matching reads few, small columns. Calendar
-- days (hours given) are YYYY-MM-DD text: a day has no time zone.
CREATE TABLE volunteer_profiles (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    place_id INTEGER REFERENCES places(id),
    causes INTEGER NOT NULL DEFAULT 0,
    skills INTEGER NOT NULL DEFAULT 0,
    languages INTEGER NOT NULL DEFAULT 0,
    availability INTEGER NOT NULL DEFAULT 0,
    max_km INTEGER,
    mobility TEXT NOT NULL DEFAULT '',
    age_band TEXT NOT NULL DEFAULT '',
    -- Under 14, a parent or tutor consents (Law 25, s. 14): when it was said.
    parent_consent_at TIMESTAMP,
    student BOOLEAN NOT NULL DEFAULT FALSE,
    school TEXT NOT NULL DEFAULT '',
    employer_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
    digest BOOLEAN NOT NULL DEFAULT FALSE,
    digest_consent_at TIMESTAMP,
    digest_consent_how TEXT NOT NULL DEFAULT '',
    digest_stopped_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, user_id)
);
CREATE INDEX volunteer_profiles_digest ON volunteer_profiles (territory_id, digest);

CREATE TABLE volunteer_opportunities (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    schedule TEXT NOT NULL,
    place_id INTEGER REFERENCES places(id),
    remote BOOLEAN NOT NULL DEFAULT FALSE,
    venue TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    slots INTEGER NOT NULL DEFAULT 0,
    recurrence TEXT NOT NULL DEFAULT '',
    commitment TEXT NOT NULL DEFAULT '',
    spots INTEGER,
    min_age INTEGER,
    max_age INTEGER,
    causes INTEGER NOT NULL DEFAULT 0,
    skills INTEGER NOT NULL DEFAULT 0,
    languages INTEGER NOT NULL DEFAULT 0,
    car_required BOOLEAN NOT NULL DEFAULT FALSE,
    ride_offered BOOLEAN NOT NULL DEFAULT FALSE,
    accessibility TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    jebenevole_url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    -- What matching reads, packed by the store on every write (see
    -- volunteering.packMatch): slots, causes, skills and languages; kind,
    -- schedule, flags, ages and the start.
    match_a INTEGER NOT NULL DEFAULT 0,
    match_b INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug)
);
-- Matching reads only this index: it filters and covers what scoring needs.
CREATE INDEX volunteer_opportunities_open ON volunteer_opportunities (territory_id, status, ends_at, kind, min_age, max_age,
    place_id, remote, published_at, id, match_a, match_b);
CREATE INDEX volunteer_opportunities_org ON volunteer_opportunities (organization_id, status);
CREATE INDEX volunteer_opportunities_published ON volunteer_opportunities (territory_id, published_at);

CREATE TABLE volunteer_applications (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    opportunity_id INTEGER NOT NULL REFERENCES volunteer_opportunities(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    on_behalf_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
    message TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reply TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    responded_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (opportunity_id, user_id)
);
CREATE INDEX volunteer_applications_user ON volunteer_applications (territory_id, user_id);
CREATE INDEX volunteer_applications_status ON volunteer_applications (territory_id, status);

CREATE TABLE volunteer_hours (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    opportunity_id INTEGER REFERENCES volunteer_opportunities(id) ON DELETE SET NULL,
    employer_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
    day TEXT NOT NULL,
    activity TEXT NOT NULL,
    declared_minutes INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    status TEXT NOT NULL,
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX volunteer_hours_user ON volunteer_hours (territory_id, user_id, day);
CREATE INDEX volunteer_hours_org ON volunteer_hours (territory_id, organization_id, status);

-- A certificate or attestation handed out, so that its code can be checked.
CREATE TABLE volunteer_certificates (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    code TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    organizations INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX volunteer_certificates_user ON volunteer_certificates (territory_id, user_id, content_hash);

CREATE TABLE volunteer_settings (
    territory_id INTEGER PRIMARY KEY REFERENCES territories(id),
    hour_value_cents INTEGER,
    hour_value_source TEXT NOT NULL DEFAULT '',
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The weekly digest: one run per territory and week, one message per person
-- and week (never twice the same week).
CREATE TABLE volunteer_digest_runs (
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    week TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    PRIMARY KEY (territory_id, week)
);

CREATE TABLE volunteer_digest_sent (
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    week TEXT NOT NULL,
    opportunities INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (territory_id, user_id, week)
);

-- Tracked short links: /l/{code} redirects to target and counts the click
-- by day. Nothing about the person is kept: no address, no cookie.
CREATE TABLE tracked_links (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    code TEXT NOT NULL UNIQUE,
    target TEXT NOT NULL,
    target_host TEXT NOT NULL,
    campaign TEXT NOT NULL,
    place_id INTEGER REFERENCES places(id),
    label TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP
);
CREATE INDEX tracked_links_territory ON tracked_links (territory_id, campaign);

CREATE TABLE tracked_clicks (
    link_id INTEGER NOT NULL REFERENCES tracked_links(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    clicks INTEGER NOT NULL,
    PRIMARY KEY (link_id, day)
);

-- +goose Down
DROP TABLE tracked_clicks;
DROP TABLE tracked_links;
DROP TABLE volunteer_digest_sent;
DROP TABLE volunteer_digest_runs;
DROP TABLE volunteer_settings;
DROP TABLE volunteer_certificates;
DROP TABLE volunteer_hours;
DROP TABLE volunteer_applications;
DROP TABLE volunteer_opportunities;
DROP TABLE volunteer_profiles;
