-- First schema: Workspaces, users, roles and the audit log (DESIGN.md §3).
-- Ids are UUIDv7 text made by the client; times are RFC 3339 UTC text with milliseconds,
-- so text order is time order. Rows that sync carry version/created_at/updated_at and are
-- never deleted: users use status 'removed', roles use deleted_at.

CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE roles (
    id            TEXT PRIMARY KEY NOT NULL,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    is_builtin    INTEGER NOT NULL DEFAULT 0 CHECK (is_builtin IN (0, 1)),
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT
);
CREATE INDEX roles_by_workspace ON roles (workspace_id);

CREATE TABLE role_permissions (
    role_id     TEXT NOT NULL REFERENCES roles (id),
    permission  TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
) WITHOUT ROWID;

-- A rowid table on purpose: the FTS5 index below refers to users by rowid.
CREATE TABLE users (
    id                    TEXT NOT NULL UNIQUE,
    workspace_id          TEXT NOT NULL REFERENCES workspaces (id),
    email                 TEXT NOT NULL,
    email_key             TEXT NOT NULL,
    first_name            TEXT NOT NULL,
    last_name             TEXT NOT NULL DEFAULT '',
    name_key              TEXT NOT NULL,
    search_text           TEXT NOT NULL,
    phone                 TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL CHECK (status IN ('invited', 'active', 'removed')),
    removed               INTEGER GENERATED ALWAYS AS (status = 'removed') STORED,
    is_super_user         INTEGER NOT NULL DEFAULT 0 CHECK (is_super_user IN (0, 1)),
    password_hash         TEXT,
    must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    failed_sign_ins       INTEGER NOT NULL DEFAULT 0,
    locked_until          TEXT,
    last_sign_in_at       TEXT,
    removed_at            TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (workspace_id, email_key)
);
-- One index per list order, each led by the filter columns so a page is an index range.
CREATE INDEX users_by_name   ON users (workspace_id, removed, name_key, id);
CREATE INDEX users_by_email  ON users (workspace_id, removed, email_key, id);
CREATE INDEX users_by_status ON users (workspace_id, removed, status, name_key, id);
CREATE INDEX users_by_added  ON users (workspace_id, removed, created_at, id);

-- Substring search without scanning the table: a trigram index over the folded name and email.
CREATE VIRTUAL TABLE users_fts USING fts5 (
    search_text,
    content = 'users',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER users_fts_update AFTER UPDATE OF search_text ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO users_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;

-- Users per Workspace and status, kept by triggers so the list header and seat counts cost
-- one primary-key read instead of a pass over every user.
CREATE TABLE user_status_counts (
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    status        TEXT NOT NULL,
    users         INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, status)
) WITHOUT ROWID;
CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_status_counts (workspace_id, status, users) VALUES (new.workspace_id, new.status, 1)
        ON CONFLICT (workspace_id, status) DO UPDATE SET users = users + 1;
END;
CREATE TRIGGER users_count_update AFTER UPDATE OF status ON users WHEN old.status <> new.status BEGIN
    UPDATE user_status_counts SET users = users - 1
        WHERE workspace_id = old.workspace_id AND status = old.status;
    INSERT INTO user_status_counts (workspace_id, status, users) VALUES (new.workspace_id, new.status, 1)
        ON CONFLICT (workspace_id, status) DO UPDATE SET users = users + 1;
END;
CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN
    UPDATE user_status_counts SET users = users - 1
        WHERE workspace_id = old.workspace_id AND status = old.status;
END;

CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users (id),
    role_id  TEXT NOT NULL REFERENCES roles (id),
    PRIMARY KEY (user_id, role_id)
) WITHOUT ROWID;
CREATE INDEX user_roles_by_role ON user_roles (role_id);

-- Who did what to which row, and which fields changed. Never a password or a hash.
CREATE TABLE audit_log (
    id            TEXT PRIMARY KEY NOT NULL,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    actor_id      TEXT REFERENCES users (id),
    action        TEXT NOT NULL,
    target_type   TEXT NOT NULL,
    target_id     TEXT NOT NULL,
    fields        TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL
);
CREATE INDEX audit_log_by_target ON audit_log (workspace_id, target_id, created_at);
