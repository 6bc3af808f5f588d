-- +goose Up
-- Indexes the heavy reads need at a province's size (checked on the
-- synthetic province with the query plans of both engines).

-- The people who came back (events.people_returned, ReturningAttendees):
-- the registrations checked in, read per event, without the table.
CREATE INDEX registrations_checked_in ON registrations (event_id, territory_id, status, checked_in_at, email, phone_key)
    WHERE status = 'confirmed' AND checked_in_at IS NOT NULL;

-- The seats taken and the people welcomed per event (every list of events,
-- the soupers' figures of the portrait), without the table.
CREATE INDEX registrations_seats ON registrations (event_id, status, party_size, checked_in_at);

-- +goose Down
DROP INDEX registrations_seats;
DROP INDEX registrations_checked_in;
