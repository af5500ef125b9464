-- Replicas of Workspaces shared through a Roster hub (issue 11). A Workspace with a row in
-- hub_links is a local replica: the hub holds the Workspace, this file a copy of what its
-- user may see, brought up to date by pulling the hub's change feed.
CREATE TABLE hub_links (
    workspace_id    TEXT PRIMARY KEY NOT NULL REFERENCES workspaces (id),
    -- https://… (or http:// for this computer), as the user typed it after checks.
    hub_address     TEXT NOT NULL,
    -- The user whose replica this is: what comes down is what they may see.
    user_id         TEXT NOT NULL,
    -- This copy's id at the hub (UUIDv7): pushed changes are numbered per client.
    client_id       TEXT NOT NULL,
    -- The feed cursor after the last page applied, written in that page's transaction.
    cursor          TEXT,
    -- The copy number of the current (or last) full copy: rows it did not bring are
    -- dropped when it completes (see replica_rows).
    generation      INTEGER NOT NULL DEFAULT 0,
    -- 1 while a full copy is arriving.
    copying         INTEGER NOT NULL DEFAULT 0,
    -- The hub's feed version when the last page was read.
    head            INTEGER NOT NULL DEFAULT 0,
    last_synced_at  TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

-- Which copy last brought each row of a replica: after a full copy, rows it did not bring
-- are no longer the user's to see and leave this computer.
CREATE TABLE replica_rows (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    kind          TEXT NOT NULL CHECK (kind IN ('role', 'user')),
    id            TEXT NOT NULL,
    generation    INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX replica_rows_by_generation ON replica_rows (workspace_id, generation);
