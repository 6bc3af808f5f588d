-- +goose Up
CREATE TABLE idea_themes (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    code TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    archived_at TIMESTAMP,
    UNIQUE (territory_id, code)
);

CREATE TABLE ideas (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    theme_id INTEGER NOT NULL REFERENCES idea_themes(id),
    place_id INTEGER NOT NULL REFERENCES places(id),
    event_id INTEGER REFERENCES events(id),
    status TEXT NOT NULL,
    status_reason TEXT NOT NULL DEFAULT '',
    moderation TEXT NOT NULL,
    source TEXT NOT NULL,
    submitter_name TEXT NOT NULL DEFAULT '',
    submitter_email TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ideas_territory ON ideas (territory_id, moderation, place_id);

CREATE TABLE idea_history (
    id INTEGER PRIMARY KEY,
    idea_id INTEGER NOT NULL REFERENCES ideas(id),
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    changed_by INTEGER REFERENCES users(id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX idea_history_idea ON idea_history (idea_id, changed_at);

CREATE TABLE idea_supports (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    idea_id INTEGER NOT NULL REFERENCES ideas(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    offer TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    confirmed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (idea_id, email)
);

-- +goose Down
DROP TABLE idea_supports;
DROP TABLE idea_history;
DROP TABLE ideas;
DROP TABLE idea_themes;
