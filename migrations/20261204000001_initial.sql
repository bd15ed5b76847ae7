-- The whole TweetCheck schema. Datetimes are UTC text in ISO 8601 with microseconds and a
-- trailing `Z` (`2026-12-04T15:35:38.400760Z`), so text order is time order.

CREATE TABLE organizations (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- The e-mail address is the username. `activation_key` is set while a registered or invited
-- user has not activated the account yet.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash   TEXT NOT NULL,
    is_admin        INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    is_approver     INTEGER NOT NULL DEFAULT 0 CHECK (is_approver IN (0, 1)),
    is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    organization_id INTEGER REFERENCES organizations (id) ON DELETE SET NULL,
    activation_key  TEXT UNIQUE,
    created         TEXT NOT NULL
);
CREATE INDEX users_organization ON users (organization_id);

-- One API token per user: 40 lowercase hex characters.
CREATE TABLE tokens (
    key     TEXT PRIMARY KEY CHECK (length(key) = 40),
    user_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    created TEXT NOT NULL
);

-- A Twitter account that an organization tweets from. `user_id` is the Twitter user id.
CREATE TABLE handles (
    id                INTEGER PRIMARY KEY,
    organization_id   INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    screen_name       TEXT NOT NULL,
    name              TEXT NOT NULL DEFAULT '',
    user_id           INTEGER,
    profile_image_url TEXT NOT NULL DEFAULT ''
);
CREATE INDEX handles_organization ON handles (organization_id);

-- Status: 0 pending, 1 posted, -1 rejected, 3 scheduled.
CREATE TABLE tweets (
    id             INTEGER PRIMARY KEY,
    handle_id      INTEGER NOT NULL REFERENCES handles (id) ON DELETE CASCADE,
    body           TEXT NOT NULL,
    status         INTEGER NOT NULL DEFAULT 0 CHECK (status IN (-1, 0, 1, 3)),
    eta            TEXT,
    twitter_id     TEXT NOT NULL DEFAULT '',
    author_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created        TEXT NOT NULL,
    last_editor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    last_modified  TEXT NOT NULL
);
CREATE INDEX tweets_handle ON tweets (handle_id);
CREATE INDEX tweets_status_eta ON tweets (status, eta);

-- The audit log. `body` is a copy of the tweet's body at the time of the action, so the entry
-- stays readable after the tweet is deleted.
CREATE TABLE actions (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
    handle_id       INTEGER REFERENCES handles (id) ON DELETE SET NULL,
    actor_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action          TEXT NOT NULL
        CHECK (action IN ('created', 'posted', 'rejected', 'edited', 'scheduled')),
    tweet_id        INTEGER REFERENCES tweets (id) ON DELETE SET NULL,
    body            TEXT NOT NULL,
    timestamp       TEXT NOT NULL
);
CREATE INDEX actions_organization ON actions (organization_id, id);
CREATE INDEX actions_tweet ON actions (tweet_id);

-- A phone registered for push notifications (which are never sent).
CREATE TABLE devices (
    id      INTEGER PRIMARY KEY,
    token   TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX devices_user ON devices (user_id);

-- Sessions of the browsable API's login. `id` is random and secret, like a token.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- E-mails the server would have sent. They are logged and kept here, never delivered.
CREATE TABLE outbox (
    id        INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT NOT NULL,
    created   TEXT NOT NULL
);
