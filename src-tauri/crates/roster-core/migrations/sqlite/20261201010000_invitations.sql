-- Email invitations (issue 5): SMTP settings per Workspace (the password lives in the OS
-- keychain, never here), invitations holding only a hash of their token, and the mail outbox
-- that sends in the background and survives restarts.

CREATE TABLE email_settings (
    workspace_id     TEXT PRIMARY KEY NOT NULL REFERENCES workspaces (id),
    host             TEXT NOT NULL,
    port             INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security         TEXT NOT NULL CHECK (security IN ('starttls', 'tls', 'none')),
    username         TEXT NOT NULL DEFAULT '',
    sender_name      TEXT NOT NULL,
    sender_address   TEXT NOT NULL,
    invitation_days  INTEGER NOT NULL DEFAULT 7 CHECK (invitation_days BETWEEN 1 AND 90),
    timeout_seconds  INTEGER NOT NULL DEFAULT 15 CHECK (timeout_seconds BETWEEN 1 AND 300),
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- One row per invitation sent; a resend replaces the pending one with a new token.
CREATE TABLE invitations (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL UNIQUE,
    invited_by   TEXT REFERENCES users (id),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'revoked', 'replaced')),
    expires_at   TEXT NOT NULL,
    accepted_at  TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX invitations_by_user ON invitations (user_id, created_at);

-- Messages waiting to be sent. The body of an invitation carries its code, so it is erased
-- once the message is sent or no longer needed (see docs/threat-model.md).
CREATE TABLE mail_outbox (
    id               TEXT PRIMARY KEY NOT NULL,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id),
    invitation_id    TEXT REFERENCES invitations (id),
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT,
    body_html        TEXT,
    state            TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    sent_at          TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_by_invitation ON mail_outbox (invitation_id);
