//! Roster desktop shell.
