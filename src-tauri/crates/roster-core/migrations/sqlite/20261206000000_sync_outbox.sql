-- The outbox of a replica (issue 11): every change made on a replica is appended here as
-- the operation its user asked for, in the transaction that applied it locally, and pushed to
-- the hub in order. Operations are never deleted: their answers stay (applied, or rejected
-- with the reason and what the Workspace holds now, for "Changes not applied").
CREATE TABLE sync_outbox (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    -- Per Workspace: 1, 2, 3, … in the order the changes were made; the hub applies each
    -- sequence number of a client once.
    seq           INTEGER NOT NULL,
    op_id         TEXT NOT NULL,
    -- The operation as JSON (sync::ops::Op).
    op            TEXT NOT NULL,
    -- The row the operation is about: a user or a role.
    subject_kind  TEXT NOT NULL CHECK (subject_kind IN ('user', 'role')),
    subject_id    TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'applied', 'rejected', 'discarded', 'retried')),
    -- For a rejection: the hub's error as JSON ({code, message, field}).
    error         TEXT,
    -- For a rejection: the row as the Workspace holds it now (JSON), or null when the
    -- Workspace has no such row.
    current       TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (workspace_id, seq)
) WITHOUT ROWID;
CREATE INDEX sync_outbox_by_state ON sync_outbox (workspace_id, state, seq);
