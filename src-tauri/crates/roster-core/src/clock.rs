//! Time as a dependency, so tests can move it (sign-in back-off, invitation expiry).

use chrono::{DateTime, SecondsFormat, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant, UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Formats an instant as stored: RFC 3339, UTC, milliseconds, `Z` — fixed width, so text order
/// is time order.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a stored timestamp; `None` when it is not RFC 3339. Timestamps in the format
/// [`timestamp`] writes (`2026-11-30T08:15:00.123Z`) take a fixed-width fast path — a download
/// parses two per user — and anything else goes through chrono's general parser.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    parse_stored(text).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

fn parse_stored(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z';
    if !shape_ok {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0_u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let date =
        chrono::NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
    let time = chrono::NaiveTime::from_hms_milli_opt(
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
        num(20..23)?,
    )?;
    Some(date.and_time(time).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_timestamps_round_trip_and_others_still_parse() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T08:15:00.123Z")
            .expect("t")
            .with_timezone(&Utc);
        assert_eq!(parse_timestamp(&timestamp(at)), Some(at));
        let offset = parse_timestamp("2026-11-30T09:15:00+01:00");
        assert_eq!(
            offset.map(timestamp).as_deref(),
            Some("2026-11-30T08:15:00.000Z")
        );
        assert_eq!(parse_timestamp("2026-13-30T08:15:00.123Z"), None);
        assert_eq!(parse_timestamp("not a time"), None);
    }
}
