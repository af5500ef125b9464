-- The Roster hub (issue 11): the change feed that replicas pull, hub sessions, and the
-- one-time enrolment codes that let a Workspace be published.
--
-- The feed. Every row a replica may hold (workspaces, roles, users — with the memberships
-- user_roles and role_permissions, which are written only with their parent row) carries
-- the `feed_version` of the transaction that last wrote it. A transaction takes its
-- version from the Workspace's counter row in `workspace_feeds`: the first write of a
-- transaction bumps the counter and keeps the row locked until it commits; later writes of
-- the same transaction reuse it. So a second writer of the Workspace waits for the first to
-- commit before it gets the next version: versions become visible in commit order, and a
-- reader that sees version N has seen every row of every version below N. A sequence would
-- not do: a transaction that took 11 can commit before the one that took 10, and a reader
-- moving its cursor past 11 would miss 10 for ever (kamu-cli #1398, RailsEventStore #106).
-- Triggers stamp the rows, so no writer can forget to.

CREATE TABLE workspace_feeds (
    -- No foreign key: the counter is taken while the Workspace's own row is being inserted.
    workspace_id  uuid NOT NULL,
    version       bigint NOT NULL,
    -- The transaction that took `version`: its further writes keep the same version.
    xact          xid8 NOT NULL,
    CONSTRAINT workspace_feeds_pkey PRIMARY KEY (workspace_id)
);

ALTER TABLE workspaces ADD COLUMN feed_version bigint NOT NULL DEFAULT 0;
ALTER TABLE roles ADD COLUMN feed_version bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN feed_version bigint NOT NULL DEFAULT 0;
CREATE INDEX users_by_feed ON users (workspace_id, feed_version, id);
CREATE INDEX roles_by_feed ON roles (workspace_id, feed_version, id);

-- The current transaction's feed version for `ws`, taken on its first write (later writes of
-- the transaction find it by the transaction id, a read of the row it already holds locked).
-- NOTIFY is delivered at commit, which wakes the long polls of every hub process serving the
-- Workspace.
CREATE FUNCTION roster_feed_version(ws uuid) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    taken bigint;
BEGIN
    SELECT version INTO taken FROM workspace_feeds
        WHERE workspace_id = ws AND xact = pg_current_xact_id();
    IF FOUND THEN
        RETURN taken;
    END IF;
    INSERT INTO workspace_feeds AS f (workspace_id, version, xact)
        VALUES (ws, 1, pg_current_xact_id())
    ON CONFLICT (workspace_id) DO UPDATE SET
        version = f.version + 1,
        xact = pg_current_xact_id()
    RETURNING version INTO taken;
    PERFORM pg_notify('roster_feed', ws::text);
    RETURN taken;
END $$;

CREATE FUNCTION roster_stamp_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.feed_version := roster_feed_version(NEW.id);
    RETURN NEW;
END $$;

CREATE FUNCTION roster_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.feed_version := roster_feed_version(NEW.workspace_id);
    RETURN NEW;
END $$;

CREATE TRIGGER workspaces_feed BEFORE INSERT OR UPDATE ON workspaces
    FOR EACH ROW EXECUTE FUNCTION roster_stamp_workspace();
CREATE TRIGGER roles_feed BEFORE INSERT OR UPDATE ON roles
    FOR EACH ROW EXECUTE FUNCTION roster_stamp_row();
CREATE TRIGGER users_feed BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION roster_stamp_row();

-- Rows written before the hub existed join the feed.
UPDATE workspaces SET version = version, updated_at = updated_at;
UPDATE roles SET version = version, updated_at = updated_at;
UPDATE users SET version = version, updated_at = updated_at;

-- Hub sessions: what a signed-in Roster holds is a 256-bit random token; only its SHA-256
-- is stored, so a copy of this table signs nobody in. A session ends when it expires, on
-- sign-out (`ended_at`), and — through `credential_version`, checked on every request as on
-- the desktop — when the user's password is reset or changed or the user is removed.
CREATE TABLE hub_sessions (
    token_hash          bytea NOT NULL,
    workspace_id        uuid NOT NULL,
    user_id             uuid NOT NULL,
    credential_version  bigint NOT NULL,
    expires_at          timestamptz NOT NULL,
    ended_at            timestamptz,
    version             bigint NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT hub_sessions_pkey PRIMARY KEY (token_hash),
    CONSTRAINT hub_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT hub_sessions_workspace_id_fkey FOREIGN KEY (workspace_id)
        REFERENCES workspaces (id)
);
CREATE INDEX hub_sessions_by_user ON hub_sessions (user_id);

-- Enrolment codes: `roster-hub enrol` prints a code once and stores its SHA-256. Publishing
-- a Workspace spends it; the Workspace it made stays `copying` (nobody signs in to it)
-- until the publisher's last page arrives.
CREATE TABLE hub_enrolments (
    code_hash     bytea NOT NULL,
    expires_at    timestamptz NOT NULL,
    workspace_id  uuid,
    publisher_id  uuid,
    state         text COLLATE "C" NOT NULL DEFAULT 'open',
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT hub_enrolments_pkey PRIMARY KEY (code_hash),
    CONSTRAINT hub_enrolments_state_check CHECK (state IN ('open', 'copying', 'published')),
    CONSTRAINT hub_enrolments_workspace_unique UNIQUE (workspace_id)
);
