-- +goose Up
-- Funding applications (« Recherche de financement »): what was asked of
-- which funder, its deadline and decision; the reports owed to the funder;
-- the documents kept with an application; the reminders sent, one row per
-- reminder and recipient, so that none goes out twice. Amounts are cents.
CREATE TABLE funding_applications (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    funder TEXT NOT NULL,
    program TEXT NOT NULL DEFAULT '',
    amount_asked BIGINT NOT NULL,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL,
    amount_granted BIGINT,
    decided_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX funding_applications_territory ON funding_applications (territory_id, status, deadline);

CREATE TABLE funding_reports (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    application_id INTEGER NOT NULL REFERENCES funding_applications(id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    submitted_on TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX funding_reports_application ON funding_reports (application_id);

CREATE TABLE funding_documents (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    application_id INTEGER NOT NULL REFERENCES funding_applications(id),
    title TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    added_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX funding_documents_application ON funding_documents (application_id);

CREATE TABLE funding_files (
    document_id INTEGER PRIMARY KEY REFERENCES funding_documents(id),
    data BLOB NOT NULL
);

CREATE TABLE funding_reminders (
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    lead_days INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, record_id, lead_days, user_id)
);

-- +goose Down
DROP TABLE funding_reminders;
DROP TABLE funding_files;
DROP TABLE funding_documents;
DROP TABLE funding_reports;
DROP TABLE funding_applications;
