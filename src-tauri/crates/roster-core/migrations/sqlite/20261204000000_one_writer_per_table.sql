-- Sign-in facts leave the user row (issue 10). Every write of a user now bumps its version,
-- so counting failed password checks or stamping the last sign-in there would make an open
-- Edit form stale whenever its user signed in or mistyped a password. They move to a table
-- of their own, with its own writer and version.
CREATE TABLE sign_ins (
    user_id          TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    failures         INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    last_sign_in_at  TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sign_ins (user_id, failures, locked_until, last_sign_in_at, updated_at)
    SELECT id, failed_sign_ins, locked_until, last_sign_in_at, updated_at FROM users
    WHERE failed_sign_ins > 0 OR locked_until IS NOT NULL OR last_sign_in_at IS NOT NULL;
ALTER TABLE users DROP COLUMN failed_sign_ins;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN last_sign_in_at;

-- Every table's writer bumps a version, the outbox's too.
ALTER TABLE mail_outbox ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
