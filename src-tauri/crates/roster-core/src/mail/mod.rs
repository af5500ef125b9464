//! Email: the Workspace's SMTP settings, sending through SMTP with lettre (rustls, no
//! OpenSSL), and the outbox that sends in the background and survives restarts.

pub(crate) mod outbox;
mod settings;
pub(crate) mod smtp;

pub use outbox::Delivery;
