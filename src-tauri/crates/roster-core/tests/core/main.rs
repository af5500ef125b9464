//! Service tests: the core against a real database of its own per test — a SQLite file in a
//! temporary folder, or with `ROSTER_TEST_DATABASE=postgres` a fresh PostgreSQL database (see
//! `database.rs`).

mod database;
mod support;

mod addresses;
mod audit;
mod authorization;
mod catalogue;
mod export;
mod field_messages;
mod fuzz;
mod import;
mod import_files;
mod invitations;
mod list;
mod mailserver;
mod matrix;
mod reports;
mod roles;
mod sessions;
mod sign_in;
mod users_cases;
mod writers;
