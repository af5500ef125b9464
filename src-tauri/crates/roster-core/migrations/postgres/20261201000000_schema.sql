-- The PostgreSQL schema (issue 10): the end state of the SQLite migrations in
-- ../sqlite/20261130000000_users.sql … ../sqlite/20261204000000_one_writer_per_table.sql, in PostgreSQL's
-- own types. Ids are UUIDv7 made by the client; times are timestamptz; case folding and the
-- sort and search keys are made in Rust (text.rs), never in SQL. Rows that sync carry
-- version/created_at/updated_at and are never deleted: users use status 'removed', roles use
-- deleted_at. user_roles and role_permissions are written only together with their versioned
-- parent (users / roles), so they stay plain membership tables.
--
-- Every constraint and index has an explicit name: the store maps a unique violation on
-- users_email_key_unique to EMAIL_TAKEN by constraint name, never by message text.
--
-- Text compared for order (sort keys, status, role names, search text) uses COLLATE "C":
-- byte order of UTF-8, which is code-point order and the same order as SQLite's BINARY,
-- whatever locale the database was created with. Keyset cursors and pages are then the same
-- on both databases, and a prefix range (`name_key >= $1 AND name_key < $1 || U+10FFFF`) is a
-- plain B-tree range. List query plans and their measurements: docs/research/list-plans.md.
--
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE workspaces (
    id          uuid NOT NULL,
    name        text NOT NULL,
    version     bigint NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT workspaces_pkey PRIMARY KEY (id),
    CONSTRAINT workspaces_name_length CHECK (char_length(name) BETWEEN 1 AND 100)
);

CREATE TABLE roles (
    id            uuid NOT NULL,
    workspace_id  uuid NOT NULL,
    name          text COLLATE "C" NOT NULL,
    description   text NOT NULL DEFAULT '',
    is_builtin    boolean NOT NULL DEFAULT false,
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    deleted_at    timestamptz,
    CONSTRAINT roles_pkey PRIMARY KEY (id),
    CONSTRAINT roles_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
);
CREATE INDEX roles_by_workspace ON roles (workspace_id);

CREATE TABLE role_permissions (
    role_id     uuid NOT NULL,
    permission  text NOT NULL,
    CONSTRAINT role_permissions_pkey PRIMARY KEY (role_id, permission),
    CONSTRAINT role_permissions_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id)
);

CREATE TABLE users (
    id                    uuid NOT NULL,
    workspace_id          uuid NOT NULL,
    email                 text NOT NULL,
    email_key             text COLLATE "C" NOT NULL,
    first_name            text NOT NULL,
    last_name             text NOT NULL DEFAULT '',
    name_key              text COLLATE "C" NOT NULL,
    search_text           text COLLATE "C" NOT NULL,
    phone                 text NOT NULL DEFAULT '',
    status                text COLLATE "C" NOT NULL,
    removed               boolean NOT NULL GENERATED ALWAYS AS (status = 'removed') STORED,
    is_super_user         boolean NOT NULL DEFAULT false,
    password_hash         text,
    must_change_password  boolean NOT NULL DEFAULT false,
    removed_at            timestamptz,
    version               bigint NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    -- Bumped by a password reset or change; sessions made with an older one stop working.
    credential_version    bigint NOT NULL DEFAULT 0,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspaces (id),
    CONSTRAINT users_status_check CHECK (status IN ('invited', 'active', 'removed')),
    CONSTRAINT users_email_key_unique UNIQUE (workspace_id, email_key)
);
-- One index per list order, led by the filter columns so a page is one index range: the
-- current or removed users are `removed = $2` (an equality, never a range, or the order is
-- lost), and "all" merges the two ranges (Merge Append). The other key and search_text ride
-- along (INCLUDE; SQLite's 20261203000000_covering_list_indexes.sql has them as trailing key
-- columns) so a search walks the index in order and tests each entry — anywhere in the search
-- text, or the start of the name or email — without reading the table (Index Only Scan).
-- Plans and measurements: docs/research/list-plans.md.
CREATE INDEX users_by_name   ON users (workspace_id, removed, name_key, id)
    INCLUDE (email_key, search_text);
CREATE INDEX users_by_email  ON users (workspace_id, removed, email_key, id)
    INCLUDE (name_key, search_text);
CREATE INDEX users_by_status ON users (workspace_id, removed, status, name_key, id)
    INCLUDE (email_key, search_text);
CREATE INDEX users_by_added  ON users (workspace_id, removed, created_at, id)
    INCLUDE (name_key, email_key, search_text);

-- Substring search for rare terms: trigrams of the folded name and email, for
-- `search_text LIKE '%' || $1 || '%'` (term folded in Rust, `\`, `%`, `_` escaped with `\`).
-- pg_trgm keeps no positions and splits words at punctuation, so a term made of common words
-- ("example demo") makes every row a candidate; the store asks it only for rare terms.
CREATE INDEX users_search_trgm ON users USING gin (search_text gin_trgm_ops);

-- Users per Workspace and status, kept by triggers so the list header and seat counts cost
-- one primary-key read instead of a pass over every user.
CREATE TABLE user_status_counts (
    workspace_id  uuid NOT NULL,
    status        text COLLATE "C" NOT NULL,
    users         bigint NOT NULL,
    CONSTRAINT user_status_counts_pkey PRIMARY KEY (workspace_id, status),
    CONSTRAINT user_status_counts_workspace_id_fkey
        FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
);

CREATE FUNCTION users_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_status_counts (workspace_id, status, users)
        VALUES (NEW.workspace_id, NEW.status, 1)
        ON CONFLICT (workspace_id, status) DO UPDATE SET users = user_status_counts.users + 1;
    RETURN NULL;
END;
$$;

-- The old status loses one user and the new one gains one. The new status's row is made first
-- (with 0) and both rows are then changed by one UPDATE, which locks them in index order, so
-- two transactions moving users in opposite directions (remove / restore) never deadlock.
-- A missing old row is left missing, as the SQLite trigger leaves it.
CREATE FUNCTION users_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_status_counts (workspace_id, status, users)
        VALUES (NEW.workspace_id, NEW.status, 0)
        ON CONFLICT (workspace_id, status) DO NOTHING;
    UPDATE user_status_counts
        SET users = users + CASE WHEN status = NEW.status THEN 1 ELSE -1 END
        WHERE workspace_id = NEW.workspace_id AND status IN (OLD.status, NEW.status);
    RETURN NULL;
END;
$$;

CREATE FUNCTION users_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_status_counts SET users = users - 1
        WHERE workspace_id = OLD.workspace_id AND status = OLD.status;
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_count_insert AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION users_count_insert();
CREATE TRIGGER users_count_update AFTER UPDATE OF status ON users
    FOR EACH ROW WHEN (OLD.status <> NEW.status) EXECUTE FUNCTION users_count_update();
CREATE TRIGGER users_count_delete AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION users_count_delete();

-- Failed password checks and the last sign-in, apart from the user row so that signing in
-- never makes an open Edit form stale (see the SQLite migration 20261204000000).
CREATE TABLE sign_ins (
    user_id          uuid NOT NULL,
    failures         integer NOT NULL DEFAULT 0,
    locked_until     timestamptz,
    last_sign_in_at  timestamptz,
    version          bigint NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT sign_ins_pkey PRIMARY KEY (user_id),
    CONSTRAINT sign_ins_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
);

CREATE TABLE user_roles (
    user_id  uuid NOT NULL,
    role_id  uuid NOT NULL,
    CONSTRAINT user_roles_pkey PRIMARY KEY (user_id, role_id),
    CONSTRAINT user_roles_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT user_roles_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id)
);
CREATE INDEX user_roles_by_role ON user_roles (role_id);

-- Who did what to which row, and which fields changed (a JSON array of field names). Entries
-- that are not field changes (a download) carry a small JSON object of facts in details, e.g.
-- {"format":"csv","rows":120}. Never personal data, a password, a hash or a secret. Each
-- entry says how it moved the number of active members (seat_change), and the seat chart
-- sums those per day.
CREATE TABLE audit_log (
    id            uuid NOT NULL,
    workspace_id  uuid NOT NULL,
    actor_id      uuid,
    action        text NOT NULL,
    target_type   text NOT NULL,
    target_id     uuid NOT NULL,
    fields        jsonb NOT NULL DEFAULT '[]',
    created_at    timestamptz NOT NULL,
    details       jsonb NOT NULL DEFAULT '{}',
    seat_change   integer NOT NULL DEFAULT 0,
    CONSTRAINT audit_log_pkey PRIMARY KEY (id),
    CONSTRAINT audit_log_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspaces (id),
    CONSTRAINT audit_log_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES users (id)
);
CREATE INDEX audit_log_by_target ON audit_log (workspace_id, target_id, created_at);
CREATE INDEX audit_log_seat_changes ON audit_log (workspace_id, created_at)
    WHERE seat_change <> 0;

-- SMTP settings per Workspace (the password lives in the OS keychain, never here).
CREATE TABLE email_settings (
    workspace_id     uuid NOT NULL,
    host             text NOT NULL,
    port             integer NOT NULL,
    security         text NOT NULL,
    username         text NOT NULL DEFAULT '',
    sender_name      text NOT NULL,
    sender_address   text NOT NULL,
    invitation_days  integer NOT NULL DEFAULT 7,
    timeout_seconds  integer NOT NULL DEFAULT 15,
    version          bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT email_settings_pkey PRIMARY KEY (workspace_id),
    CONSTRAINT email_settings_workspace_id_fkey
        FOREIGN KEY (workspace_id) REFERENCES workspaces (id),
    CONSTRAINT email_settings_port_check CHECK (port BETWEEN 1 AND 65535),
    CONSTRAINT email_settings_security_check CHECK (security IN ('starttls', 'tls', 'none')),
    CONSTRAINT email_settings_invitation_days_check CHECK (invitation_days BETWEEN 1 AND 90),
    CONSTRAINT email_settings_timeout_seconds_check CHECK (timeout_seconds BETWEEN 1 AND 300)
);

-- One row per invitation sent, holding only a hash of its token; a resend replaces the
-- pending one with a new token.
CREATE TABLE invitations (
    id            uuid NOT NULL,
    workspace_id  uuid NOT NULL,
    user_id       uuid NOT NULL,
    token_hash    text NOT NULL,
    invited_by    uuid,
    state         text NOT NULL,
    expires_at    timestamptz NOT NULL,
    accepted_at   timestamptz,
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT invitations_pkey PRIMARY KEY (id),
    CONSTRAINT invitations_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspaces (id),
    CONSTRAINT invitations_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT invitations_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES users (id),
    CONSTRAINT invitations_token_hash_unique UNIQUE (token_hash),
    CONSTRAINT invitations_state_check
        CHECK (state IN ('pending', 'accepted', 'revoked', 'replaced'))
);
CREATE INDEX invitations_by_user ON invitations (user_id, created_at);

-- Messages waiting to be sent. The body of an invitation carries its code, so it is erased
-- once the message is sent or no longer needed (see docs/threat-model.md).
CREATE TABLE mail_outbox (
    id               uuid NOT NULL,
    workspace_id     uuid NOT NULL,
    invitation_id    uuid,
    recipient        text NOT NULL,
    subject          text NOT NULL,
    body_text        text,
    body_html        text,
    state            text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    sent_at          timestamptz,
    version          bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT mail_outbox_pkey PRIMARY KEY (id),
    CONSTRAINT mail_outbox_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspaces (id),
    CONSTRAINT mail_outbox_invitation_id_fkey
        FOREIGN KEY (invitation_id) REFERENCES invitations (id),
    CONSTRAINT mail_outbox_state_check CHECK (state IN ('queued', 'sent', 'failed', 'cancelled'))
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_by_invitation ON mail_outbox (invitation_id);
