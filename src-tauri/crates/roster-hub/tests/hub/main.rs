//! The hub through real processes: `roster-hub` on loopback ports over a fresh PostgreSQL
//! database per test, and desktop Rosters on their own SQLite files.

mod convergence;
mod feed;
mod invitations;
mod matrix;
mod own_password;
mod push;
mod sessions;
mod share;
mod support;
