//! Service tests: the core against a real SQLite file in a temporary directory.

mod support;

mod addresses;
mod audit;
mod authorization;
mod export;
mod field_messages;
mod fuzz;
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
