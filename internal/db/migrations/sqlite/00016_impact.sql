-- +goose Up
-- The impact of the program as a logic model: the impact aimed at, its
-- effects (short term, medium and long term) and the conditions of
-- success, each followed by indicators. An indicator is computed by the
-- capability that owns its data (source_key names it) or entered by staff
-- with a note saying where the number comes from. Its values are dated
-- snapshots: a period, the territory or one place, the value and when it
-- was computed. A snapshot a report used never changes; a correction is a
-- new snapshot that names the one it corrects.
CREATE TABLE impact_models (
    territory_id INTEGER PRIMARY KEY REFERENCES territories(id),
    impact_fr TEXT NOT NULL,
    impact_en TEXT NOT NULL DEFAULT '',
    vision_fr TEXT NOT NULL DEFAULT '',
    vision_en TEXT NOT NULL DEFAULT '',
    year_start_month INTEGER NOT NULL DEFAULT 4,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE impact_effects (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    term TEXT NOT NULL,
    position INTEGER NOT NULL,
    title_fr TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX impact_effects_territory ON impact_effects (territory_id, term, position);

CREATE TABLE impact_indicators (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    effect_id INTEGER NOT NULL REFERENCES impact_effects(id),
    position INTEGER NOT NULL,
    source_key TEXT NOT NULL DEFAULT '',
    name_fr TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    definition_fr TEXT NOT NULL DEFAULT '',
    definition_en TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL,
    period TEXT NOT NULL,
    baseline_value REAL,
    baseline_on TEXT,
    target_value REAL,
    target_on TEXT,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX impact_indicators_effect ON impact_indicators (effect_id, position);
CREATE INDEX impact_indicators_territory ON impact_indicators (territory_id);

CREATE TABLE impact_snapshots (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES impact_indicators(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    place_id INTEGER REFERENCES places(id),
    value REAL,
    note TEXT NOT NULL DEFAULT '',
    entered_by INTEGER REFERENCES users(id),
    computed_at TIMESTAMP NOT NULL,
    corrects INTEGER REFERENCES impact_snapshots(id)
);
CREATE INDEX impact_snapshots_series ON impact_snapshots (indicator_id, period_start, period_end, place_id, id);

CREATE TABLE impact_milestones (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    on_date TEXT,
    title_fr TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX impact_milestones_territory ON impact_milestones (territory_id, on_date);

CREATE TABLE impact_stories (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    on_date TEXT NOT NULL,
    place_id INTEGER REFERENCES places(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX impact_stories_territory ON impact_stories (territory_id, on_date);

CREATE TABLE impact_reports (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    title TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    sections TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX impact_reports_territory ON impact_reports (territory_id, created_at);

CREATE TABLE impact_report_snapshots (
    report_id INTEGER NOT NULL REFERENCES impact_reports(id),
    snapshot_id INTEGER NOT NULL REFERENCES impact_snapshots(id),
    PRIMARY KEY (report_id, snapshot_id)
);
CREATE INDEX impact_report_snapshots_snapshot ON impact_report_snapshots (snapshot_id);

-- +goose Down
DROP TABLE impact_report_snapshots;
DROP TABLE impact_reports;
DROP TABLE impact_stories;
DROP TABLE impact_milestones;
DROP TABLE impact_snapshots;
DROP TABLE impact_indicators;
DROP TABLE impact_effects;
DROP TABLE impact_models;
