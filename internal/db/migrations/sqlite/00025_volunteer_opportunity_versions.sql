-- +goose Up
-- A version per territory of what matching reads of its opportunities.
-- Each instance keeps the territory's open opportunities in memory, and
-- reads this number (one row) to know whether its copy is still the truth.
-- The triggers bump it in the very transaction of every write that can
-- change what matching reads (a new opportunity, an edit, a change of
-- status, a deletion), whoever writes it.
CREATE TABLE volunteer_opportunity_versions (
    territory_id INTEGER PRIMARY KEY REFERENCES territories(id),
    version INTEGER NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE TRIGGER volunteer_opportunities_version_insert AFTER INSERT ON volunteer_opportunities
BEGIN
    INSERT OR IGNORE INTO volunteer_opportunity_versions (territory_id, version) VALUES (NEW.territory_id, 0);
    UPDATE volunteer_opportunity_versions SET version = version + 1 WHERE territory_id = NEW.territory_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER volunteer_opportunities_version_update AFTER UPDATE OF territory_id, status, kind, place_id, remote, ends_at,
    min_age, max_age, match_a, match_b ON volunteer_opportunities
BEGIN
    INSERT OR IGNORE INTO volunteer_opportunity_versions (territory_id, version) VALUES (NEW.territory_id, 0), (OLD.territory_id, 0);
    UPDATE volunteer_opportunity_versions SET version = version + 1 WHERE territory_id IN (NEW.territory_id, OLD.territory_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER volunteer_opportunities_version_delete AFTER DELETE ON volunteer_opportunities
BEGIN
    INSERT OR IGNORE INTO volunteer_opportunity_versions (territory_id, version) VALUES (OLD.territory_id, 0);
    UPDATE volunteer_opportunity_versions SET version = version + 1 WHERE territory_id = OLD.territory_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER volunteer_opportunities_version_delete;
DROP TRIGGER volunteer_opportunities_version_update;
DROP TRIGGER volunteer_opportunities_version_insert;
DROP TABLE volunteer_opportunity_versions;
