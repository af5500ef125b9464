//! Back-off per client address for the invitation endpoints, which take a code instead of an
//! account, so the per-account back-off of sign-in has nothing to count against: the same
//! rule (`roster_core::attempts`: five free failures, then 30 s doubling up to 15 minutes),
//! counted per address in each hub process. A code is 256 random bits, so this only keeps a
//! client from hammering the hub; behind a proxy every client shares the proxy's address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use roster_core::Error;
use roster_core::attempts::backoff;

/// Addresses remembered at most; past it, those no longer held back are forgotten.
const MOST_REMEMBERED: usize = 10_000;

/// Failed guesses by address: how many, and until when the address is held back.
#[derive(Default)]
pub struct Guesses(Mutex<HashMap<IpAddr, (i64, Option<Instant>)>>);

impl Guesses {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, (i64, Option<Instant>)>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Refuses an address that is held back: [`Error::LockedOut`] with the wait.
    pub fn check(&self, address: IpAddr) -> Result<(), Error> {
        let now = Instant::now();
        match self.map().get(&address) {
            Some((_, Some(until))) if *until > now => Err(Error::LockedOut {
                retry_after_seconds: i64::try_from((*until - now).as_secs().max(1))
                    .unwrap_or(i64::MAX),
            }),
            _ => Ok(()),
        }
    }

    /// Counts the answer to `address`: a code that names no invitation is a failed guess;
    /// any other answer forgets the address's failures.
    pub fn record(&self, address: IpAddr, error: Option<&Error>) {
        let mut map = self.map();
        if !matches!(error, Some(Error::InvitationNotFound)) {
            map.remove(&address);
            return;
        }
        let now = Instant::now();
        if map.len() >= MOST_REMEMBERED {
            map.retain(|_, (_, until)| until.is_some_and(|u| u > now));
        }
        let entry = map.entry(address).or_insert((0, None));
        entry.0 += 1;
        entry.1 = backoff(entry.0)
            .and_then(|wait| wait.to_std().ok())
            .map(|wait: Duration| now + wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_codes_are_free_and_the_sixth_waits() {
        let guesses = Guesses::default();
        let address: IpAddr = [192, 0, 2, 7].into();
        for _ in 0..5 {
            guesses.check(address).expect("still free");
            guesses.record(address, Some(&Error::InvitationNotFound));
        }
        let held = guesses.check(address).expect_err("held back");
        assert!(
            matches!(held, Error::LockedOut { retry_after_seconds } if retry_after_seconds > 0)
        );
        guesses
            .check([192, 0, 2, 8].into())
            .expect("another address is not");
        guesses.record(address, None);
        guesses.check(address).expect("a good answer forgets");
    }
}
