-- +goose Up
-- Citizen initiatives (« initiatives / projets citoyens »): born from an idea
-- or proposed directly, with the people who lead and join them, the actors
-- that support them, their milestones and the help they still need. Nothing
-- is deleted: an initiative is paused or abandoned, with a reason.
-- Dates of the calendar (milestones, the planned period) are ISO text
-- (YYYY-MM-DD): a day, with no time zone.
CREATE TABLE initiatives (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    place_id INTEGER NOT NULL REFERENCES places(id),
    idea_id INTEGER REFERENCES ideas(id),
    starts_on TEXT,
    ends_on TEXT,
    status TEXT NOT NULL,
    status_reason TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    published_at TIMESTAMP,
    -- supporters_told_at: when the supporters of the idea it was born from
    -- were told it exists (once, at its first publication).
    supporters_told_at TIMESTAMP,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug)
);
CREATE INDEX initiatives_territory ON initiatives (territory_id, status, place_id);
CREATE INDEX initiatives_idea ON initiatives (idea_id);

CREATE TABLE initiative_history (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    changed_by INTEGER REFERENCES users(id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX initiative_history_initiative ON initiative_history (initiative_id, changed_at);

CREATE TABLE initiative_needs (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
    title TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    people_needed INTEGER NOT NULL DEFAULT 1,
    filled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX initiative_needs_initiative ON initiative_needs (initiative_id);

-- People: leaders (added by staff) and participants (who joined from the
-- public page and confirmed by e-mail). Their names are public only when
-- they chose so (show_name); the private link's token is derived from
-- link_nonce and only its hash is kept.
CREATE TABLE initiative_people (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT NOT NULL DEFAULT '',
    offer TEXT NOT NULL DEFAULT '',
    need_id INTEGER REFERENCES initiative_needs(id),
    show_name BOOLEAN NOT NULL DEFAULT FALSE,
    lang TEXT NOT NULL DEFAULT 'fr',
    source TEXT NOT NULL,
    link_nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    confirmed_at TIMESTAMP,
    left_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (initiative_id, email)
);
CREATE INDEX initiative_people_initiative ON initiative_people (initiative_id);

CREATE TABLE initiative_actors (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    supports TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '',
    amount_cents INTEGER,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX initiative_actors_initiative ON initiative_actors (initiative_id);

CREATE TABLE initiative_milestones (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    initiative_id INTEGER NOT NULL REFERENCES initiatives(id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    created_at TIMESTAMP NOT NULL,
    -- announced_at: when followers were told it was done (once, even if undone and redone).
    announced_at TIMESTAMP
);
CREATE INDEX initiative_milestones_initiative ON initiative_milestones (initiative_id, due_on);

-- +goose Down
DROP TABLE initiative_milestones;
DROP TABLE initiative_actors;
DROP TABLE initiative_people;
DROP TABLE initiative_needs;
DROP TABLE initiative_history;
DROP TABLE initiatives;
