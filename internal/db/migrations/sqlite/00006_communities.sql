-- +goose Up
-- Communautés de partage: citizens who agreed to join meet (meetings are
-- events), share tools and resources, post short news, and carry needs and
-- projects. Members' contact details reach other members only as each chose.
CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    facilitator_id INTEGER REFERENCES users(id),
    closed_at TIMESTAMP,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug)
);

CREATE TABLE community_places (
    community_id INTEGER NOT NULL REFERENCES communities(id),
    place_id INTEGER NOT NULL REFERENCES places(id),
    PRIMARY KEY (community_id, place_id)
);

CREATE TABLE community_members (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    share_name BOOLEAN NOT NULL DEFAULT FALSE,
    share_email BOOLEAN NOT NULL DEFAULT FALSE,
    shared_phone TEXT NOT NULL DEFAULT '',
    joined_at TIMESTAMP NOT NULL,
    left_at TIMESTAMP,
    UNIQUE (community_id, user_id)
);
CREATE INDEX community_members_user ON community_members (user_id);

CREATE TABLE community_invitations (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX community_invitations_community ON community_invitations (community_id, email);

CREATE TABLE community_posts (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP
);
CREATE INDEX community_posts_community ON community_posts (community_id, created_at);

CREATE TABLE community_resources (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    community_id INTEGER NOT NULL REFERENCES communities(id),
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size_bytes BIGINT NOT NULL DEFAULT 0,
    added_by INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP
);
CREATE INDEX community_resources_community ON community_resources (community_id);

CREATE TABLE community_files (
    resource_id INTEGER PRIMARY KEY REFERENCES community_resources(id),
    data BLOB NOT NULL
);

CREATE TABLE community_ideas (
    community_id INTEGER NOT NULL REFERENCES communities(id),
    idea_id INTEGER NOT NULL REFERENCES ideas(id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (community_id, idea_id)
);

CREATE TABLE community_meetings (
    community_id INTEGER NOT NULL REFERENCES communities(id),
    event_id INTEGER NOT NULL UNIQUE REFERENCES events(id),
    PRIMARY KEY (community_id, event_id)
);

-- An initiative may be born from a community.
ALTER TABLE initiatives ADD COLUMN community_id INTEGER REFERENCES communities(id);

-- +goose Down
ALTER TABLE initiatives DROP COLUMN community_id;
DROP TABLE community_meetings;
DROP TABLE community_ideas;
DROP TABLE community_files;
DROP TABLE community_resources;
DROP TABLE community_posts;
DROP TABLE community_invitations;
DROP TABLE community_members;
DROP TABLE community_places;
DROP TABLE communities;
