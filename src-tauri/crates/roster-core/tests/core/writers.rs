//! "One writer per table" (issue 10), kept true by reading the core's source: every statement
//! that writes a table lives in that table's store file, each table is changed by exactly one
//! `UPDATE` (its writer), and every writer bumps `version` and sets `updated_at`. Membership
//! rows are written only with their parent: `user_roles` by the users writer, `role_permissions`
//! by the roles writer. A sync that reads the versions sees every change only while this holds.
//!
//! Rows are never deleted, with one exception: a replica drops what its user may no longer
//! see (`store/sqlite/replica.rs`, the purge), so a lost laptop does not carry it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Tables only ever appended to: an `UPDATE` of them would rewrite history.
const APPEND_ONLY: [&str; 1] = ["audit_log"];
/// The one file whose `DELETE`s are allowed: a replica's purge of rows its user may no longer
/// see. It writes no other table's rows.
const PURGE_FILE: &str = "replica.rs";
/// Rows about a replica's copy itself (which copy brought which row), never synced and so
/// without a version.
const BOOKKEEPING: [&str; 1] = ["replica_rows"];
/// Tables whose rows belong to a versioned parent, with the store file that writes them.
const MEMBERSHIPS: [(&str, &str); 2] =
    [("user_roles", "users.rs"), ("role_permissions", "roles.rs")];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// A statement that writes a table: `INSERT INTO t`, `UPDATE t SET`, `DELETE FROM t`.
#[derive(Debug)]
struct Write {
    file: PathBuf,
    table: String,
    kind: &'static str,
    /// The statement's text up to the end of its string literal.
    text: String,
}

fn writes_in(file: &Path) -> Vec<Write> {
    let source = fs::read_to_string(file).expect("read source");
    let mut writes = Vec::new();
    for (kind, keyword) in [
        ("insert", "INSERT INTO "),
        ("update", "UPDATE "),
        ("delete", "DELETE FROM "),
    ] {
        for (at, _) in source.match_indices(keyword) {
            let rest = &source[at + keyword.len()..];
            let table: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let statement = rest.split('"').next().unwrap_or_default();
            // `ON CONFLICT … DO UPDATE SET` belongs to its INSERT; a keyword in prose or an
            // `UPDATE OF` trigger clause is not a statement.
            let is_statement = !table.is_empty()
                && table.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && (kind != "update"
                    || statement
                        .trim_start_matches(&table)
                        .trim_start()
                        .starts_with("SET"))
                && !source[..at].ends_with("DO ");
            if is_statement {
                writes.push(Write {
                    file: file.to_owned(),
                    table,
                    kind,
                    text: format!("{keyword}{statement}"),
                });
            }
        }
    }
    writes
}

#[test]
fn every_table_has_one_writer_and_it_bumps_the_version() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let writes: Vec<Write> = files.iter().flat_map(|f| writes_in(f)).collect();
    assert!(writes.len() > 10, "the scan finds the writers: {writes:#?}");

    let store = src.join("store");
    for write in &writes {
        let dir = write.file.parent().expect("folder");
        assert!(
            dir.parent() == Some(store.as_path()),
            "SQL outside a database's store folder: {write:?}"
        );
    }
    let backends: Vec<&Path> = {
        let mut found: Vec<&Path> = writes.iter().filter_map(|w| w.file.parent()).collect();
        found.sort();
        found.dedup();
        found
    };
    assert_eq!(
        backends.len(),
        2,
        "both databases' writers are read: {backends:?}"
    );

    let mut by_table: BTreeMap<(&Path, &str), Vec<&Write>> = BTreeMap::new();
    let purges = writes
        .iter()
        .filter(|w| w.kind == "delete" && w.file.file_name().is_some_and(|f| f == PURGE_FILE));
    for purge in purges {
        assert!(
            purge.file.parent() == Some(store.join("sqlite").as_path()),
            "only a SQLite replica purges rows: {purge:?}"
        );
    }
    let kept = writes
        .iter()
        .filter(|w| !(w.kind == "delete" && w.file.file_name().is_some_and(|f| f == PURGE_FILE)));
    for write in kept {
        let backend = write.file.parent().expect("folder");
        by_table
            .entry((backend, &write.table))
            .or_default()
            .push(write);
    }
    for ((backend, table), writes) in &by_table {
        let files: Vec<&str> = writes
            .iter()
            .filter_map(|w| w.file.file_name()?.to_str())
            .collect();
        let owner = MEMBERSHIPS
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, f)| *f);
        let mut unique = files.clone();
        unique.dedup();
        assert_eq!(
            unique.len(),
            1,
            "{table} is written from several files: {files:?}"
        );
        if let Some(owner) = owner {
            assert_eq!(
                unique,
                [owner],
                "{table} is written outside its parent's writer"
            );
            continue;
        }
        let updates: Vec<&&Write> = writes.iter().filter(|w| w.kind == "update").collect();
        if APPEND_ONLY.contains(table) {
            assert!(updates.is_empty(), "{table} is append-only: {updates:#?}");
        } else {
            assert!(
                updates.len() <= 1,
                "{table} has {} writers in {backend:?}: {updates:#?}",
                updates.len()
            );
        }
        assert!(
            writes.iter().all(|w| w.kind != "delete"),
            "{table} rows are deleted instead of marked: {writes:#?}"
        );
        if BOOKKEEPING.contains(table) {
            continue;
        }
        let upserts = writes.iter().filter(|w| w.text.contains("DO UPDATE SET"));
        for update in updates.into_iter().chain(upserts) {
            // PostgreSQL's upserts name the table's own column (`t.version + 1`); a row copied
            // from another copy of the Workspace keeps that copy's version
            // (`coalesce(<kept>, version + 1)`).
            let bump = format!("version = {table}.version + 1");
            let bump_of_table = format!("{table}.version + 1");
            let bumps = update.text.contains("version = version + 1")
                || update.text.contains(&bump)
                || (update.text.contains("version = coalesce(")
                    && (update.text.contains(", version + 1)")
                        || update.text.contains(&format!(", {bump_of_table})"))));
            assert!(
                bumps && update.text.contains("updated_at ="),
                "the writer of {table} must bump version and set updated_at: {}",
                update.text
            );
        }
    }
    let tables: Vec<&str> = by_table.keys().map(|(_, t)| *t).collect();
    for expected in [
        "users",
        "roles",
        "invitations",
        "mail_outbox",
        "sign_ins",
        "email_settings",
    ] {
        assert!(
            tables.contains(&expected),
            "no writer found for {expected}: {tables:?}"
        );
    }
}
