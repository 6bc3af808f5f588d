-- +goose Up
-- A volunteer's erasure keeps their confirmed hours, without them: the row
-- loses its account (user_id NULL), its activity and its note, and keeps its
-- day, minutes, organisation, opportunity and employer, so that every total
-- stays right. anonymous_volunteer is the same number on the kept hours of
-- one erased person (the smallest id among them), so that they still count
-- as one volunteer; it names no one. SQLite cannot drop a NOT NULL, so the
-- table is copied into its new shape (no table refers to it, no trigger is
-- on it); its indexes are made again.
CREATE TABLE volunteer_hours_new (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
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
    updated_at TIMESTAMP NOT NULL,
    anonymous_volunteer INTEGER,
    CHECK (user_id IS NOT NULL OR anonymous_volunteer IS NOT NULL)
);
INSERT INTO volunteer_hours_new (id, territory_id, user_id, organization_id, opportunity_id, employer_id, day, activity,
    declared_minutes, minutes, status, review_note, reviewed_by, reviewed_at, created_at, updated_at)
SELECT id, territory_id, user_id, organization_id, opportunity_id, employer_id, day, activity,
    declared_minutes, minutes, status, review_note, reviewed_by, reviewed_at, created_at, updated_at
FROM volunteer_hours;
DROP TABLE volunteer_hours;
ALTER TABLE volunteer_hours_new RENAME TO volunteer_hours;
CREATE INDEX volunteer_hours_user ON volunteer_hours (territory_id, user_id, day);
CREATE INDEX volunteer_hours_org ON volunteer_hours (territory_id, organization_id, status);

-- +goose Down
DELETE FROM volunteer_hours WHERE user_id IS NULL;
CREATE TABLE volunteer_hours_old (
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
INSERT INTO volunteer_hours_old SELECT id, territory_id, user_id, organization_id, opportunity_id, employer_id, day, activity,
    declared_minutes, minutes, status, review_note, reviewed_by, reviewed_at, created_at, updated_at FROM volunteer_hours;
DROP TABLE volunteer_hours;
ALTER TABLE volunteer_hours_old RENAME TO volunteer_hours;
CREATE INDEX volunteer_hours_user ON volunteer_hours (territory_id, user_id, day);
CREATE INDEX volunteer_hours_org ON volunteer_hours (territory_id, organization_id, status);
