-- +goose Up
-- A person who holds seats is kept as one record per organisation: what
-- that organisation (its managers, or staff on its page) entered about
-- them, and all its managers ever see. Staff link the records of one person
-- (same_as: the first record of the person, itself linked to nothing) so
-- that the relève radar counts their seats together; the records stay as
-- they were entered.
ALTER TABLE organization_people ADD COLUMN organization_id INTEGER REFERENCES organizations(id);
ALTER TABLE organization_people ADD COLUMN same_as INTEGER REFERENCES organization_people(id);

-- A record holding seats belongs to the first organisation of its seats;
-- for each other organisation it sits in, a copy of the record is made,
-- linked to it, and takes those seats.
UPDATE organization_people SET organization_id =
    (SELECT MIN(s.organization_id) FROM organization_seats s WHERE s.holder_id = organization_people.id);
INSERT INTO organization_people (territory_id, name, name_key, email, phone, user_id, name_public, created_at, updated_at,
    organization_id, same_as)
SELECT DISTINCT p.territory_id, p.name, p.name_key, p.email, p.phone, p.user_id, p.name_public, p.created_at, p.updated_at,
    s.organization_id, p.id
FROM organization_people p JOIN organization_seats s ON s.holder_id = p.id
WHERE s.organization_id <> p.organization_id;
UPDATE organization_seats SET holder_id =
    (SELECT c.id FROM organization_people c WHERE c.same_as = organization_seats.holder_id
        AND c.organization_id = organization_seats.organization_id)
WHERE EXISTS (SELECT 1 FROM organization_people c WHERE c.same_as = organization_seats.holder_id
        AND c.organization_id = organization_seats.organization_id);

CREATE INDEX organization_people_org ON organization_people (territory_id, organization_id);
CREATE INDEX organization_people_same_as ON organization_people (same_as);

-- +goose Down
DROP INDEX organization_people_same_as;
DROP INDEX organization_people_org;
ALTER TABLE organization_people DROP COLUMN same_as;
ALTER TABLE organization_people DROP COLUMN organization_id;
