-- +goose Up
-- A version per territory of what matching reads of its opportunities.
-- Each instance keeps the territory's open opportunities in memory, and
-- reads this number (one row) to know whether its copy is still the truth.
-- The triggers bump it in the very transaction of every write that can
-- change what matching reads (a new opportunity, an edit, a change of
-- status, a deletion), whoever writes it.
CREATE TABLE volunteer_opportunity_versions (
    territory_id BIGINT PRIMARY KEY REFERENCES territories(id),
    version BIGINT NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE FUNCTION volunteer_opportunities_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO volunteer_opportunity_versions AS v (territory_id, version) VALUES (NEW.territory_id, 1)
            ON CONFLICT (territory_id) DO UPDATE SET version = v.version + 1;
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO volunteer_opportunity_versions AS v (territory_id, version) VALUES (OLD.territory_id, 1)
            ON CONFLICT (territory_id) DO UPDATE SET version = v.version + 1;
    ELSIF TG_OP = 'UPDATE' THEN
        IF OLD.territory_id <> NEW.territory_id THEN
            INSERT INTO volunteer_opportunity_versions AS v (territory_id, version) VALUES (OLD.territory_id, 1)
                ON CONFLICT (territory_id) DO UPDATE SET version = v.version + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER volunteer_opportunities_version_insert AFTER INSERT ON volunteer_opportunities
    FOR EACH ROW EXECUTE FUNCTION volunteer_opportunities_bump_version();
CREATE TRIGGER volunteer_opportunities_version_update AFTER UPDATE OF territory_id, status, kind, place_id, remote, ends_at,
    min_age, max_age, match_a, match_b ON volunteer_opportunities
    FOR EACH ROW EXECUTE FUNCTION volunteer_opportunities_bump_version();
CREATE TRIGGER volunteer_opportunities_version_delete AFTER DELETE ON volunteer_opportunities
    FOR EACH ROW EXECUTE FUNCTION volunteer_opportunities_bump_version();

-- +goose Down
DROP TRIGGER volunteer_opportunities_version_delete ON volunteer_opportunities;
DROP TRIGGER volunteer_opportunities_version_update ON volunteer_opportunities;
DROP TRIGGER volunteer_opportunities_version_insert ON volunteer_opportunities;
DROP FUNCTION volunteer_opportunities_bump_version();
DROP TABLE volunteer_opportunity_versions;
