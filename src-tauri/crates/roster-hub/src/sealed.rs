//! Where the hub keeps the SMTP passwords of its Workspaces: in PostgreSQL (table
//! `hub_secrets`), sealed with XChaCha20-Poly1305 under the 32-byte key of
//! `--secret-key-file`, so every hub process on the database reads what any of them saved
//! and a copy of the database (a backup, a stolen dump) holds no password without the key
//! file. Without a key the hub keeps none and refuses to save one, naming the flag.
//!
//! The core calls a [`SecretStore`] off the async runtime (a keychain blocks), so these
//! block on the runtime's handle for their query.

use std::fmt;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use roster_core::model::SecretStorage;
use roster_core::secrets::SecretStore;
use roster_core::{Error, Result, Secret};
use sqlx::PgPool;
use tokio::runtime::Handle;

/// Bytes of a key.
const KEY_BYTES: usize = 32;
/// Bytes of a nonce: random for each seal (192 bits: no collision to fear).
const NONCE_BYTES: usize = 24;

/// The flag that names the key, for errors that send the operator to it.
pub const KEY_FLAG: &str = "--secret-key-file (ROSTER_HUB_SECRET_KEY_FILE)";

/// Reads a key file: 32 bytes as they are, or as 64 hexadecimal digits (what
/// `openssl rand -hex 32` writes), surrounding white space ignored.
pub fn read_key(path: &Path) -> std::result::Result<[u8; KEY_BYTES], String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Ok(raw) = <[u8; KEY_BYTES]>::try_from(bytes.as_slice()) {
        return Ok(raw);
    }
    let text = String::from_utf8_lossy(&bytes);
    let hex = text.trim();
    let parsed: Option<Vec<u8>> = (hex.len() == KEY_BYTES * 2)
        .then(|| {
            (0..KEY_BYTES)
                .map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok())
                .collect()
        })
        .flatten();
    parsed
        .and_then(|key| <[u8; KEY_BYTES]>::try_from(key).ok())
        .ok_or_else(|| {
            format!(
                "{}: a secret key is 32 random bytes, or 64 hexadecimal digits \
                 (e.g. `openssl rand -hex 32`)",
                path.display()
            )
        })
}

fn failed(what: &str) -> Error {
    Error::Keychain {
        reason: format!("the hub could not {what} a sealed secret"),
    }
}

/// Secrets sealed in the hub's database.
pub struct SealedSecrets {
    seal: Seal,
    pool: PgPool,
    runtime: Handle,
}

impl fmt::Debug for SealedSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealedSecrets(<redacted>)")
    }
}

impl SealedSecrets {
    /// A store on `pool` sealing with `key`; queries run on `runtime`.
    pub fn new(key: &[u8; KEY_BYTES], pool: PgPool, runtime: Handle) -> Self {
        Self {
            seal: Seal(XChaCha20Poly1305::new(&Key::from(*key))),
            pool,
            runtime,
        }
    }
}

/// The AEAD under the hub's key.
struct Seal(XChaCha20Poly1305);

impl Seal {
    fn seal(&self, name: &str, secret: &Secret) -> Result<Vec<u8>> {
        let mut nonce = [0_u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|_| failed("make a nonce for"))?;
        let payload = Payload {
            msg: secret.expose().as_bytes(),
            aad: name.as_bytes(),
        };
        let sealed = self
            .0
            .encrypt(&XNonce::from(nonce), payload)
            .map_err(|_| failed("seal"))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// The secret in `sealed`, which must have been sealed under `name` with this key.
    fn open(&self, name: &str, sealed: &[u8]) -> Result<Secret> {
        let (nonce, body) = sealed
            .split_at_checked(NONCE_BYTES)
            .ok_or_else(|| failed("open"))?;
        let nonce = <[u8; NONCE_BYTES]>::try_from(nonce).map_err(|_| failed("open"))?;
        let payload = Payload {
            msg: body,
            aad: name.as_bytes(),
        };
        let plain = self
            .0
            .decrypt(&XNonce::from(nonce), payload)
            .map_err(|_| Error::Keychain {
                reason: format!(
                    "a sealed secret does not open with the key of {KEY_FLAG}: the key changed; save the SMTP password again"
                ),
            })?;
        String::from_utf8(plain)
            .map(|text| Secret::verbatim(&text))
            .map_err(|_| failed("open"))
    }
}

impl SecretStore for SealedSecrets {
    fn storage(&self) -> SecretStorage {
        SecretStorage::Hub
    }

    fn get(&self, name: &str) -> Result<Option<Secret>> {
        let sealed: Option<Vec<u8>> = self
            .runtime
            .block_on(
                sqlx::query_scalar("SELECT sealed FROM hub_secrets WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool),
            )
            .map_err(|_| failed("read"))?;
        sealed.map(|s| self.seal.open(name, &s)).transpose()
    }

    fn set(&self, name: &str, secret: &Secret) -> Result<()> {
        let sealed = self.seal.seal(name, secret)?;
        self.runtime
            .block_on(
                sqlx::query(
                    "INSERT INTO hub_secrets (name, sealed, updated_at) VALUES ($1, $2, now())
                     ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed,
                         updated_at = excluded.updated_at",
                )
                .bind(name)
                .bind(sealed)
                .execute(&self.pool),
            )
            .map_err(|_| failed("save"))?;
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.runtime
            .block_on(
                sqlx::query("DELETE FROM hub_secrets WHERE name = $1")
                    .bind(name)
                    .execute(&self.pool),
            )
            .map_err(|_| failed("forget"))?;
        Ok(())
    }
}

/// A hub started without `--secret-key-file`: it holds no secret and refuses to keep one.
#[derive(Debug)]
pub struct NoSecretKey;

impl SecretStore for NoSecretKey {
    fn storage(&self) -> SecretStorage {
        SecretStorage::Hub
    }

    fn get(&self, _name: &str) -> Result<Option<Secret>> {
        Ok(None)
    }

    fn set(&self, _name: &str, _secret: &Secret) -> Result<()> {
        Err(Error::Keychain {
            reason: format!(
                "the hub keeps SMTP passwords only sealed with a key of its own: its operator starts it with {KEY_FLAG}"
            ),
        })
    }

    fn delete(&self, _name: &str) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> Seal {
        Seal(XChaCha20Poly1305::new(&Key::from([7; KEY_BYTES])))
    }

    #[test]
    fn a_sealed_secret_opens_only_under_its_name_and_hides_the_text() {
        let store = sealer();
        let secret = Secret::verbatim("Smtp-Secret-91");
        let sealed = store.seal("smtp:a", &secret).expect("seal");
        assert!(
            !sealed
                .windows(b"Smtp-Secret-91".len())
                .any(|w| w == b"Smtp-Secret-91")
        );
        assert_eq!(store.open("smtp:a", &sealed).expect("open"), secret);
        assert!(store.open("smtp:b", &sealed).is_err(), "bound to its name");
        let again = store.seal("smtp:a", &secret).expect("seal");
        assert_ne!(sealed, again, "a fresh nonce each time");
    }

    #[test]
    fn key_files_hold_32_bytes_or_64_hex_digits() {
        let dir = tempfile::tempdir().expect("dir");
        let raw = dir.path().join("raw");
        std::fs::write(&raw, [9_u8; 32]).expect("write");
        assert_eq!(read_key(&raw).expect("raw"), [9; 32]);
        let hex = dir.path().join("hex");
        std::fs::write(&hex, format!("{}\n", "0a".repeat(32))).expect("write");
        assert_eq!(read_key(&hex).expect("hex"), [10; 32]);
        let short = dir.path().join("short");
        std::fs::write(&short, "abc").expect("write");
        assert!(read_key(&short).is_err());
    }
}
