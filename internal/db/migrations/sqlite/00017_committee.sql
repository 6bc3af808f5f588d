-- +goose Up
-- The partners' committee: its member organisations and their
-- representatives (the e-mail stays with the account, never copied here),
-- its meetings (each one an event, with its agenda, minutes and the
-- decisions and follow-ups it made) and the documents it shares.
CREATE TABLE committee_members (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    organization_id INTEGER REFERENCES organizations(id),
    organization_name TEXT NOT NULL DEFAULT '',
    representative TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    user_id INTEGER REFERENCES users(id),
    joined_on TEXT NOT NULL,
    left_on TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX committee_members_territory ON committee_members (territory_id);

CREATE TABLE committee_meetings (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    event_id INTEGER NOT NULL UNIQUE REFERENCES events(id),
    agenda TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL DEFAULT '',
    minutes_published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX committee_meetings_territory ON committee_meetings (territory_id);

CREATE TABLE committee_items (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    meeting_id INTEGER NOT NULL REFERENCES committee_meetings(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    owner_name TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    done_on TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX committee_items_meeting ON committee_items (meeting_id);

CREATE TABLE committee_documents (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    meeting_id INTEGER REFERENCES committee_meetings(id),
    title TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    added_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX committee_documents_territory ON committee_documents (territory_id);

CREATE TABLE committee_files (
    document_id INTEGER PRIMARY KEY REFERENCES committee_documents(id),
    data BLOB NOT NULL
);

-- +goose Down
DROP TABLE committee_files;
DROP TABLE committee_documents;
DROP TABLE committee_items;
DROP TABLE committee_meetings;
DROP TABLE committee_members;
