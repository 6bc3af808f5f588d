-- +goose Up
-- Communications: campaigns (theme, goal, audiences, places, period,
-- channels; their tracked links share the campaign's code), the content
-- calendar (an item per channel and date, with its owner and status),
-- stories that put people forward with each person's recorded consent,
-- newsletters with their lists, subscriptions and the proof of every
-- consent and unsubscription, and the deliveries of each newsletter.
CREATE TABLE comms_images (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    alt TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE comms_campaigns (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    code TEXT NOT NULL,
    theme TEXT NOT NULL,
    goal TEXT NOT NULL DEFAULT '',
    audiences TEXT NOT NULL DEFAULT '',
    channels TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP,
    UNIQUE (territory_id, code)
);

CREATE TABLE comms_campaign_places (
    campaign_id INTEGER NOT NULL REFERENCES comms_campaigns(id),
    place_id INTEGER NOT NULL REFERENCES places(id),
    PRIMARY KEY (campaign_id, place_id)
);

CREATE TABLE comms_stories (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    place_id INTEGER REFERENCES places(id),
    image_id INTEGER REFERENCES comms_images(id),
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug)
);

CREATE TABLE comms_story_consents (
    id INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES comms_stories(id),
    person TEXT NOT NULL,
    what TEXT NOT NULL,
    on_web BOOLEAN NOT NULL,
    on_social BOOLEAN NOT NULL,
    on_print BOOLEAN NOT NULL,
    valid_until TEXT,
    wording TEXT NOT NULL,
    given_on TEXT NOT NULL,
    how TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    recorded_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_how TEXT NOT NULL DEFAULT ''
);
CREATE INDEX comms_story_consents_story ON comms_story_consents (story_id);

CREATE TABLE comms_items (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    campaign_id INTEGER REFERENCES comms_campaigns(id),
    channel TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    image_id INTEGER REFERENCES comms_images(id),
    day TEXT NOT NULL,
    clock TEXT NOT NULL DEFAULT '',
    owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    link_id INTEGER REFERENCES tracked_links(id),
    source_kind TEXT NOT NULL DEFAULT '',
    source_id INTEGER,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX comms_items_day ON comms_items (territory_id, day);
CREATE INDEX comms_items_campaign ON comms_items (campaign_id);

CREATE TABLE comms_lists (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    place_id INTEGER REFERENCES places(id),
    interest TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP,
    UNIQUE (territory_id, slug)
);

CREATE TABLE comms_subscribers (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT 'fr',
    nonce TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    bounced_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, email)
);

CREATE TABLE comms_subscriptions (
    id INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL REFERENCES comms_lists(id),
    subscriber_id INTEGER NOT NULL REFERENCES comms_subscribers(id),
    status TEXT NOT NULL,
    basis TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    campaign TEXT NOT NULL DEFAULT '',
    wording TEXT NOT NULL DEFAULT '',
    requested_at TIMESTAMP NOT NULL,
    confirm_hash TEXT UNIQUE,
    confirm_expires_at TIMESTAMP,
    confirmed_at TIMESTAMP,
    implied_until TIMESTAMP,
    unsubscribed_at TIMESTAMP,
    UNIQUE (list_id, subscriber_id)
);
CREATE INDEX comms_subscriptions_subscriber ON comms_subscriptions (subscriber_id);

CREATE TABLE comms_consent_log (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    subscriber_id INTEGER NOT NULL REFERENCES comms_subscribers(id),
    list_id INTEGER REFERENCES comms_lists(id),
    action TEXT NOT NULL,
    how TEXT NOT NULL,
    wording TEXT NOT NULL DEFAULT '',
    logged_at TIMESTAMP NOT NULL
);
CREATE INDEX comms_consent_log_subscriber ON comms_consent_log (subscriber_id, logged_at);

CREATE TABLE comms_newsletters (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    list_id INTEGER NOT NULL REFERENCES comms_lists(id),
    campaign_id INTEGER REFERENCES comms_campaigns(id),
    slug TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    scheduled_at TIMESTAMP,
    started_at TIMESTAMP,
    sent_at TIMESTAMP,
    recipients INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (territory_id, slug)
);

CREATE TABLE comms_deliveries (
    newsletter_id INTEGER NOT NULL REFERENCES comms_newsletters(id),
    subscriber_id INTEGER NOT NULL REFERENCES comms_subscribers(id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_at TIMESTAMP,
    sent_at TIMESTAMP,
    PRIMARY KEY (newsletter_id, subscriber_id)
);
CREATE INDEX comms_deliveries_status ON comms_deliveries (newsletter_id, status);

-- +goose Down
DROP TABLE comms_deliveries;
DROP TABLE comms_newsletters;
DROP TABLE comms_consent_log;
DROP TABLE comms_subscriptions;
DROP TABLE comms_subscribers;
DROP TABLE comms_lists;
DROP TABLE comms_items;
DROP TABLE comms_story_consents;
DROP TABLE comms_stories;
DROP TABLE comms_campaign_places;
DROP TABLE comms_campaigns;
DROP TABLE comms_images;
