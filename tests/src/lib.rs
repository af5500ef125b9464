//! Helpers shared by the test suites: the core's service tests and the end-to-end tests in
//! `tests/`.

pub mod certificates;
pub mod mail;
