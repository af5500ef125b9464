-- A replica's copy of how each invited user's latest invitation stands at the hub (Queued,
-- Sent, Not sent, Expired, Accepted, with its times and last error), as the hub's feed
-- brought it with the user's row: a replica never holds the invitation itself (its code is
-- made, and its email sent, by the hub alone). `info` is the InvitationInfo as JSON; NULL
-- when the user has no invitation.
CREATE TABLE hub_invitations (
    user_id    TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    info       TEXT,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
