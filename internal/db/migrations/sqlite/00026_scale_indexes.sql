-- +goose Up
-- Indexes the heavy reads need at a province's size (checked on the
-- synthetic province with the query plans of both engines).

-- The people who came back (events.people_returned, ReturningAttendees):
-- the registrations checked in, read per event, without the table.
CREATE INDEX registrations_checked_in ON registrations (event_id, territory_id, status, checked_in_at, email, phone_key)
    WHERE status = 'confirmed' AND checked_in_at IS NOT NULL;

-- +goose Down
DROP INDEX registrations_checked_in;
