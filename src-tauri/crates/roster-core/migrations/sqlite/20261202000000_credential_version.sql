-- Sessions carry the credential version they were made with (issue 9): a password reset, a
-- password change or too many wrong current passwords bump it, and every other session of
-- that user stops working on its next call.
ALTER TABLE users ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 0;
