-- The list's four order indexes also carry what a search checks (issue 10): a search with
-- many matches walks the index of the chosen order and keeps the rows that match, and with
-- the keys and search text in the index that walk never reads the table (a page of "mar" at
-- 100,000 users: 11 ms reading rows, 1.5 ms from the index alone; docs/benchmarks.md).
DROP INDEX users_by_name;
DROP INDEX users_by_email;
DROP INDEX users_by_status;
DROP INDEX users_by_added;
CREATE INDEX users_by_name   ON users (workspace_id, removed, name_key, id, email_key, search_text);
CREATE INDEX users_by_email  ON users (workspace_id, removed, email_key, id, name_key, search_text);
CREATE INDEX users_by_status ON users (workspace_id, removed, status, name_key, id, email_key, search_text);
CREATE INDEX users_by_added  ON users (workspace_id, removed, created_at, id, name_key, email_key, search_text);
