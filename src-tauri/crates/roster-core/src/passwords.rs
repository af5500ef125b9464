//! Password policy, hashing and generation.
//!
//! Every password is NFKC-normalised once, before the length check, hashing and verification
//! (NIST SP 800-63B §5.1.1.2), so the same password typed with composed or decomposed accents
//! is the same password.

use std::fmt;
use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Field, Result};

/// Fewest characters in a password, counted after NFKC (NIST SP 800-63B allows 8; we ask 12,
/// as OWASP's Authentication Cheat Sheet suggests for accounts without MFA).
pub const MIN_CHARS: usize = 12;
/// Most characters in a password, after NFKC; long enough for passphrases, short enough to
/// bound hashing work.
pub const MAX_CHARS: usize = 128;
/// Lowest accepted zxcvbn score (3 = "safely unguessable", zxcvbn's own guidance).
pub const MIN_STRENGTH: zxcvbn::Score = zxcvbn::Score::Three;
/// Length of a generated password, in characters.
pub const GENERATED_CHARS: usize = 20;
/// The alphabet of generated passwords: no 0/O/o, 1/l/I/i or quote characters, so a password
/// read aloud or copied by hand survives.
const GENERATED_ALPHABET: &[u8] =
    b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789-_!#%+=?";

/// A password in memory, NFKC-normalised on creation. `Debug` prints `<redacted>` and it has no
/// `Serialize`, so it cannot leak through logs or IPC by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a password as typed; normalises it to NFKC.
    pub fn new(typed: &str) -> Self {
        Self(typed.nfkc().collect())
    }

    /// Wraps a secret for another system exactly as given, without normalising: an SMTP server
    /// compares the bytes it was given.
    pub fn verbatim(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// The normalised password.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        String::deserialize(deserializer).map(|typed| Self::new(&typed))
    }
}

/// A credential for another system as it arrives from the UI: deserialised verbatim (see
/// [`Secret::verbatim`]), redacted in `Debug` like [`Secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct Credential(Secret);

impl Credential {
    /// The secret, exactly as typed.
    pub fn into_secret(self) -> Secret {
        self.0
    }
}

impl<'de> serde::Deserialize<'de> for Credential {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Self(Secret::verbatim(&text)))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Checks a new password against the policy: 12..=128 characters after NFKC and a zxcvbn score
/// of at least 3, counting the user's own email and names as guessable (`user_inputs`).
/// Errors: [`Error::WeakPassword`] on `field`.
pub fn check_policy(field: Field, password: &Secret, user_inputs: &[&str]) -> Result<()> {
    let chars = password.expose().chars().count();
    if chars == 0 {
        return Err(Error::invalid(field, "Enter a password"));
    }
    if chars < MIN_CHARS {
        return Err(weak(
            field,
            format!("Use at least {MIN_CHARS} characters in the password"),
        ));
    }
    if chars > MAX_CHARS {
        return Err(weak(
            field,
            format!("Use at most {MAX_CHARS} characters in the password"),
        ));
    }
    let estimate = zxcvbn::zxcvbn(password.expose(), user_inputs);
    if estimate.score() < MIN_STRENGTH {
        let hint = estimate
            .feedback()
            .and_then(|f| {
                f.warning()
                    .map(|w| w.to_string())
                    .or_else(|| f.suggestions().first().map(|s| s.to_string()))
            })
            .unwrap_or_else(|| "Add more words or characters.".to_owned());
        return Err(weak(
            field,
            format!("This password is too easy to guess. {hint}"),
        ));
    }
    Ok(())
}

fn weak(field: Field, message: String) -> Error {
    Error::WeakPassword { field, message }
}

/// Checks that the confirmation repeats the password (both compared after NFKC).
/// Errors: [`Error::Validation`] on [`Field::ConfirmPassword`].
pub fn check_confirmation(password: &Secret, confirmation: &Secret) -> Result<()> {
    if confirmation.expose().is_empty() {
        return Err(Error::invalid(
            Field::ConfirmPassword,
            "Repeat the password",
        ));
    }
    if password != confirmation {
        return Err(Error::invalid(
            Field::ConfirmPassword,
            "The passwords do not match",
        ));
    }
    Ok(())
}

/// Generates a password from the OS CSPRNG: [`GENERATED_CHARS`] characters from an unambiguous
/// alphabet, retried until it passes [`check_policy`], so it obeys the same rules as a typed one.
/// Errors: [`Error::Hashing`] when the OS random source fails.
pub fn generate() -> Result<Secret> {
    loop {
        let candidate = Secret(random_chars(GENERATED_CHARS)?);
        if check_policy(Field::Password, &candidate, &[]).is_ok() {
            return Ok(candidate);
        }
    }
}

fn random_chars(count: usize) -> Result<String> {
    // Rejection sampling keeps every character equally likely.
    let limit = 256 - 256 % GENERATED_ALPHABET.len();
    let mut out = String::with_capacity(count);
    let mut buffer = [0u8; 64];
    while out.len() < count {
        getrandom::fill(&mut buffer).map_err(|e| Error::Hashing(format!("random source: {e}")))?;
        for byte in buffer
            .iter()
            .map(|b| usize::from(*b))
            .filter(|b| *b < limit)
        {
            if out.len() == count {
                break;
            }
            out.push(char::from(
                GENERATED_ALPHABET[byte % GENERATED_ALPHABET.len()],
            ));
        }
    }
    Ok(out)
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The password does not match.
    Mismatch,
    /// The password matches; `needs_rehash` when the hash used other parameters than today's.
    Match {
        /// Re-hash with the current parameters and store the result.
        needs_rehash: bool,
    },
}

/// Argon2id hashing with fixed current parameters, producing PHC strings.
#[derive(Debug, Clone)]
pub struct Hashing {
    params: Params,
}

impl Default for Hashing {
    /// m = 19456 KiB, t = 2, p = 1, 32-byte output: the OWASP Password Storage Cheat Sheet
    /// (2025) minimum for Argon2id.
    fn default() -> Self {
        Self {
            params: Params::DEFAULT,
        }
    }
}

impl Hashing {
    /// Hashing with other parameters (memory in KiB, iterations, lanes, output bytes).
    /// Errors: [`Error::Hashing`] when argon2 rejects the parameters.
    pub fn with_params(m_cost: u32, t_cost: u32, p_cost: u32, output_len: usize) -> Result<Self> {
        let params = Params::new(m_cost, t_cost, p_cost, Some(output_len))
            .map_err(|e| Error::Hashing(e.to_string()))?;
        Ok(Self { params })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a password with a fresh random salt into a PHC string
    /// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`). CPU-bound: call from a blocking thread.
    /// Errors: [`Error::Hashing`] on resource or random-source failure.
    pub fn hash(&self, password: &Secret) -> Result<String> {
        self.argon2()
            .hash_password(password.expose().as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| Error::Hashing(e.to_string()))
    }

    /// Verifies a password against a stored PHC string, with the parameters read from that
    /// string. A mismatch is [`Verification::Mismatch`]; any other failure (unreadable hash,
    /// memory) is an error, never reported as a wrong password.
    pub fn verify(&self, password: &Secret, stored: &str) -> Result<Verification> {
        let parsed = PasswordHash::new(stored).map_err(|e| Error::Hashing(e.to_string()))?;
        match self
            .argon2()
            .verify_password(password.expose().as_bytes(), &parsed)
        {
            Ok(()) => Ok(Verification::Match {
                needs_rehash: !self.is_current(&parsed),
            }),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(Verification::Mismatch),
            Err(e) => Err(Error::Hashing(e.to_string())),
        }
    }

    /// Checks a PHC string made elsewhere (a replica sends hashes, never passwords): Argon2id
    /// version 19 with at least this hashing's memory, iterations and output length, and a
    /// salt. The policy of the password itself was checked where it was typed. Errors:
    /// [`Error::Forbidden`] for anything else.
    pub fn check_stored(&self, stored: &str) -> Result<()> {
        let weak = || Error::Forbidden("The password was not hashed as Roster requires".into());
        let parsed = PasswordHash::new(stored).map_err(|_| weak())?;
        let params = Params::try_from(&parsed).map_err(|_| weak())?;
        let wanted_len = self
            .params
            .output_len()
            .unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let strong = parsed.algorithm.as_str() == Algorithm::Argon2id.ident().as_str()
            && parsed.version == Some(Version::V0x13.into())
            && parsed.salt.is_some()
            && params.m_cost() >= self.params.m_cost()
            && params.t_cost() >= self.params.t_cost()
            && params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN) >= wanted_len;
        if strong { Ok(()) } else { Err(weak()) }
    }

    fn is_current(&self, hash: &PasswordHash) -> bool {
        hash.algorithm.as_str() == Algorithm::Argon2id.ident().as_str()
            && hash.version == Some(Version::V0x13.into())
            && Params::try_from(hash).is_ok_and(|p| {
                p.m_cost() == self.params.m_cost()
                    && p.t_cost() == self.params.t_cost()
                    && p.p_cost() == self.params.p_cost()
                    && p.output_len()
                        == Some(
                            self.params
                                .output_len()
                                .unwrap_or(Params::DEFAULT_OUTPUT_LEN),
                        )
            })
    }

    /// Spends the same work as a real verification, for sign-ins of unknown emails, so response
    /// time does not reveal which emails exist.
    pub fn verify_dummy(&self, password: &Secret) {
        static DUMMY: OnceLock<Option<String>> = OnceLock::new();
        let stored = DUMMY.get_or_init(|| self.hash(&Secret::new("roster-dummy-password")).ok());
        if let Some(stored) = stored {
            let _ = self.verify(password, stored);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashing() -> Hashing {
        Hashing::default()
    }

    #[test]
    fn a_stored_hash_must_be_argon2id_at_least_as_strong_as_todays() {
        let today = hashing();
        let made = today
            .hash(&Secret::new("Lantern-Orchid-Fjord-77"))
            .expect("hash");
        assert!(today.check_stored(&made).is_ok());
        let weaker = Hashing::with_params(8, 1, 1, 32).expect("params");
        let weak = weaker
            .hash(&Secret::new("Lantern-Orchid-Fjord-77"))
            .expect("hash");
        assert_eq!(
            today.check_stored(&weak).map_err(|e| e.code()),
            Err(crate::ErrorCode::Forbidden)
        );
        for bad in [
            "",
            "plain-text",
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
        ] {
            assert!(today.check_stored(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn composed_and_decomposed_accents_are_the_same_password() {
        let composed = Secret::new("Caf\u{00E9}-Stra\u{00DF}e-2031");
        let decomposed = Secret::new("Cafe\u{0301}-Stra\u{00DF}e-2031");
        let stored = hashing().hash(&composed).expect("hash");
        assert_eq!(
            hashing().verify(&decomposed, &stored).expect("verify"),
            Verification::Match {
                needs_rehash: false
            }
        );
    }

    #[test]
    fn long_passwords_are_not_truncated() {
        let x = Secret::new(&format!("{}X", "a".repeat(72)));
        let y = Secret::new(&format!("{}Y", "a".repeat(72)));
        let stored = hashing().hash(&x).expect("hash");
        assert_eq!(
            hashing().verify(&y, &stored).expect("verify"),
            Verification::Mismatch
        );
        assert!(matches!(
            hashing().verify(&x, &stored),
            Ok(Verification::Match { .. })
        ));
    }

    #[test]
    fn other_parameters_verify_and_ask_for_rehash() {
        let old = Hashing::with_params(19_456, 2, 1, 48).expect("params");
        let password = Secret::new("Café-Straße-2031");
        let stored = old.hash(&password).expect("hash");
        assert_eq!(
            hashing().verify(&password, &stored).expect("verify"),
            Verification::Match { needs_rehash: true }
        );
    }

    #[test]
    fn an_unreadable_hash_is_an_error_not_a_wrong_password() {
        let result = hashing().verify(&Secret::new("whatever-password"), "$argon2id$garbage");
        assert!(matches!(result, Err(Error::Hashing(_))));
    }

    #[test]
    fn policy_counts_characters_after_nfkc() {
        let too_long = Secret::new(&"ﬀ".repeat(65)); // NFKC turns each ligature into "ff"
        assert!(matches!(
            check_policy(Field::Password, &too_long, &[]),
            Err(Error::WeakPassword { .. })
        ));
        assert!(matches!(
            check_policy(Field::Password, &Secret::new("short-1A!"), &[]),
            Err(Error::WeakPassword { .. })
        ));
        assert!(matches!(
            check_policy(Field::Password, &Secret::new("password1234"), &[]),
            Err(Error::WeakPassword { .. })
        ));
        assert!(check_policy(Field::Password, &Secret::new("Café-Straße-2031"), &[]).is_ok());
    }

    #[test]
    fn confirmation_must_repeat_the_password() {
        let new = Secret::new("N3w-Pass!2031");
        assert!(check_confirmation(&new, &Secret::new("N3w-Pass!2031")).is_ok());
        for confirm in ["N3w-Pass!2032", ""] {
            let error = check_confirmation(&new, &Secret::new(confirm)).expect_err("refused");
            assert_eq!(error.field(), Some(Field::ConfirmPassword));
        }
    }

    #[test]
    fn a_thousand_generated_passwords_pass_the_policy() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let password = generate().expect("generate");
            assert_eq!(password.expose().chars().count(), GENERATED_CHARS);
            assert!(
                password
                    .expose()
                    .bytes()
                    .all(|b| GENERATED_ALPHABET.contains(&b))
            );
            assert!(check_policy(Field::Password, &password, &[]).is_ok());
            assert!(seen.insert(password.expose().to_owned()));
        }
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("Café-Straße-2031");
        assert_eq!(format!("{secret:?}"), "<redacted>");
    }
}
