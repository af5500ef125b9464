//! Bearer tokens (invitation codes, hub sessions, enrolment codes): 256 random bits from the OS CSPRNG, URL-safe base64 without padding
//! (43 characters), stored only as their SHA-256. A fast hash suffices: a guess has 2^256
//! candidates, so slowing each one down buys nothing (OWASP Forgot Password Cheat Sheet, 2025:
//! "store tokens hashed").

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Random bytes per token.
const TOKEN_BYTES: usize = 32;

/// A new token and the hash to store (hex).
pub(crate) fn new_token() -> Result<(String, String)> {
    let token = random()?;
    let hash = hash(&token);
    Ok((token, hash))
}

/// A new token: 43 URL-safe characters.
pub(crate) fn random() -> Result<String> {
    let mut bytes = [0_u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| Error::Hashing(format!("random source: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a token sent by a program (a hub session, an enrolment code): the
/// SHA-256 of its trimmed text.
pub(crate) fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

/// The stored form of a token as pasted: surrounding white space (a copy from an email often
/// brings some) and a whole `roster://accept-invitation?token=…` link are accepted.
pub(crate) fn hash(pasted: &str) -> String {
    let trimmed = pasted.trim();
    let token = trimmed
        .split_once("token=")
        .map_or(trimmed, |(_, rest)| rest.split('&').next().unwrap_or(rest));
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_url_safe_random_and_hashed() {
        let (a, hash_a) = new_token().expect("token");
        let (b, _) = new_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_eq!(hash_a.len(), 64);
        assert_eq!(hash(&format!("  {a}\n")), hash_a);
        assert_eq!(
            hash(&format!("roster://accept-invitation?token={a}")),
            hash_a
        );
        assert_ne!(hash(&b), hash_a);
    }
}
