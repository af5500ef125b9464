//! Field rules for people's names, emails, phones and Workspace names. Values are returned
//! trimmed, exactly as typed otherwise.

use email_address::{EmailAddress, Options};

use crate::error::{Error, Field, Result};
use crate::text::trim_input;

/// Longest accepted first name, last name or Workspace name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Longest accepted email address, in characters (RFC 5321 §4.5.3.1.3 path limit of 256 octets
/// less the angle brackets).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Fewest and most digits in a phone number (ITU-T E.164 allows at most 15; the shortest
/// national numbers in use have 5 or more).
pub const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 5..=15;

/// A trimmed email that passed [`email`]: `user@domain.tld`, no display name, no IP literal.
pub fn email(value: &str) -> Result<String> {
    let trimmed = trim_input(value);
    if trimmed.is_empty() {
        return Err(Error::invalid(Field::Email, "Enter an email address"));
    }
    if trimmed.chars().count() > MAX_EMAIL_CHARS {
        return Err(Error::invalid(
            Field::Email,
            format!("An email address can have at most {MAX_EMAIL_CHARS} characters"),
        ));
    }
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    EmailAddress::parse_with_options(trimmed, options).map_err(|_| {
        Error::invalid(Field::Email, "Enter an email address like name@example.com")
    })?;
    Ok(trimmed.to_owned())
}

/// A required first name, Workspace name or role name: trimmed, 1..=100 characters, no control characters.
pub fn required_name(field: Field, value: &str) -> Result<String> {
    let trimmed = name(field, value)?;
    if trimmed.is_empty() {
        let what = match field {
            Field::WorkspaceName => "a Workspace name",
            Field::RoleName => "a role name",
            _ => "a first name",
        };
        return Err(Error::invalid(field, format!("Enter {what}")));
    }
    Ok(trimmed)
}

/// An optional name (last name): trimmed, at most 100 characters, no control characters.
/// Names are kept exactly as people write them: any script, apostrophes, hyphens, accents.
pub fn name(field: Field, value: &str) -> Result<String> {
    let trimmed = trim_input(value);
    if trimmed.chars().any(is_forbidden_in_text) {
        return Err(Error::invalid(
            field,
            "Use a single line without tabs or other control characters",
        ));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(
            field,
            format!("Use at most {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// An optional phone number, stored as typed (trimmed): an optional leading `+`, then digits
/// with spaces, hyphens, dots or parentheses between them, 5..=15 digits in all.
pub fn phone(value: &str) -> Result<String> {
    let trimmed = trim_input(value);
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'));
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if !allowed || !PHONE_DIGITS.contains(&digits) {
        return Err(Error::invalid(
            Field::Phone,
            "Enter a phone number of 5 to 15 digits, like +44 1632 960001",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Control characters (C0, C1) and the Unicode line and paragraph separators, which break
/// single-line display and exports.
fn is_forbidden_in_text(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn field_of(result: Result<String>) -> Option<Field> {
        result.err().and_then(|e| {
            assert_eq!(e.code(), ErrorCode::Validation);
            e.field()
        })
    }

    #[test]
    fn emails_are_trimmed_and_checked() {
        assert_eq!(
            email("  bruno@example.org  ").ok().as_deref(),
            Some("bruno@example.org")
        );
        assert_eq!(
            email("\tbruno@example.org\u{00A0}").ok().as_deref(),
            Some("bruno@example.org")
        );
        assert_eq!(
            email("carla+ops@example.com").ok().as_deref(),
            Some("carla+ops@example.com")
        );
        for bad in [
            "",
            "   ",
            "bruno",
            "bruno@",
            "@example.org",
            "Bruno <b@example.org>",
            "b@[127.0.0.1]",
            "b@localhost",
        ] {
            assert_eq!(field_of(email(bad)), Some(Field::Email), "{bad:?}");
        }
    }

    #[test]
    fn names_as_people_write_them() {
        assert_eq!(name(Field::LastName, "").ok().as_deref(), Some(""));
        assert_eq!(
            required_name(Field::FirstName, " Seán ").ok().as_deref(),
            Some("Seán")
        );
        assert_eq!(
            name(Field::LastName, "O'Brien-Núñez").ok().as_deref(),
            Some("O'Brien-Núñez")
        );
        assert_eq!(
            required_name(Field::FirstName, "陈").ok().as_deref(),
            Some("陈")
        );
    }

    #[test]
    fn names_with_control_characters_or_too_long_are_refused() {
        for bad in [
            "Ana\nLu",
            "Ana\rLu",
            "Ana\tLu",
            "Ana\u{0085}Lu",
            "Ana\u{2028}Lu",
            "Ana\u{0007}",
        ] {
            assert_eq!(
                field_of(name(Field::LastName, bad)),
                Some(Field::LastName),
                "{bad:?}"
            );
        }
        assert!(name(Field::FirstName, &"a".repeat(100)).is_ok());
        assert_eq!(
            field_of(name(Field::FirstName, &"é".repeat(101))),
            Some(Field::FirstName)
        );
        assert_eq!(
            field_of(required_name(Field::FirstName, "  ")),
            Some(Field::FirstName)
        );
    }

    #[test]
    fn phones_are_kept_as_typed() {
        for good in [
            "07700900123",
            "+441632960001",
            "0031 6 1234 5678",
            "(020) 7946-0958",
            "",
        ] {
            assert_eq!(phone(good).ok().as_deref(), Some(good), "{good:?}");
        }
        for bad in [
            "=1+1",
            "123",
            "+44 1632 960001 1234567",
            "phone",
            "+",
            "12-34-ab",
        ] {
            assert_eq!(field_of(phone(bad)), Some(Field::Phone), "{bad:?}");
        }
    }
}
