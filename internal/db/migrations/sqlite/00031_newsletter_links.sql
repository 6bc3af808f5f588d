-- +goose Up
-- The tracked links a newsletter's links were turned into when it was sent
-- (tracking's links, one per target under the newsletter's campaign code or
-- « infolettre »): its clicks are theirs since its sending.
CREATE TABLE comms_newsletter_links (
    newsletter_id INTEGER NOT NULL REFERENCES comms_newsletters(id) ON DELETE CASCADE,
    link_id INTEGER NOT NULL REFERENCES tracked_links(id) ON DELETE CASCADE,
    PRIMARY KEY (newsletter_id, link_id)
);

-- +goose Down
DROP TABLE comms_newsletter_links;
