//! Field rules for people's names, emails, phones and Workspace names. Values are returned
//! trimmed, exactly as typed otherwise. Every message names the field it is shown under
//! ([`label`]), so a rule shared by several fields can never name another one.
//!
//! Email policy (case U11): an address is accepted only when Roster can hand it to a mail
//! server. Its local part (before the last `@`) is a dot-atom — quoted local parts such as
//! `"bo silva"@example.com` are refused, as most servers and clients cannot take them — and
//! may hold non-ASCII letters (RFC 6531), which are delivered only through a server that
//! offers SMTPUTF8. Its domain may be internationalised: it is kept as typed and sent in its
//! ASCII form (`xn--…`, UTS #46 ToASCII with the STD3 and DNS length rules).

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

/// What a field is called in the messages shown under it: the words of its label in the
/// UI. Every field has one (no fallback), so a message built from it names its own field.
pub fn label(field: Field) -> &'static str {
    match field {
        Field::WorkspaceName => "Workspace name",
        Field::Workspace => "Workspace",
        Field::Email => "email address",
        Field::FirstName => "first name",
        Field::LastName => "last name",
        Field::Phone => "phone number",
        Field::Password | Field::ConfirmPassword | Field::NewPassword => "password",
        Field::CurrentPassword => "current password",
        Field::Roles => "role",
        Field::RoleName => "role name",
        Field::RoleDescription => "description",
        Field::Permissions => "permission",
        Field::MoveUsersTo => "role to move the users to",
        Field::SmtpHost => "SMTP host",
        Field::SmtpPort => "port",
        Field::SmtpSecurity => "security",
        Field::SmtpUsername => "username",
        Field::SmtpPassword => "password",
        Field::SenderName => "sender name",
        Field::SenderAddress => "sender address",
        Field::InvitationDays => "invitation validity",
        Field::TimeoutSeconds => "timeout",
        Field::InvitationCode => "invitation",
        Field::HubAddress => "hub address",
        Field::EnrolmentCode => "enrolment code",
    }
}

/// `label` with "a" or "an" before it.
fn a(label: &str) -> String {
    let vowel = label
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {label}", if vowel { "an" } else { "a" })
}

/// A trimmed email that passed [`email`]: `user@domain.tld`, no display name, no IP literal,
/// nothing Roster could not send (see the module's email policy). Errors on [`Field::Email`].
pub fn email(value: &str) -> Result<String> {
    address(Field::Email, value)
}

/// [`email`] for another address field (the sender address), with messages that name it.
pub fn address(field: Field, value: &str) -> Result<String> {
    let what = label(field);
    let trimmed = trim_input(value);
    if trimmed.is_empty() {
        return Err(Error::invalid(field, format!("Enter {}", a(what))));
    }
    if trimmed.chars().count() > MAX_EMAIL_CHARS {
        return Err(Error::invalid(
            field,
            format!("Use at most {MAX_EMAIL_CHARS} characters in the {what}"),
        ));
    }
    if trimmed.chars().any(is_forbidden_in_text) {
        return Err(Error::invalid(
            field,
            format!(
                "Enter {} without tabs, line breaks or other control characters",
                a(what)
            ),
        ));
    }
    let local = trimmed.rsplit_once('@').map_or("", |(local, _)| local);
    if local.contains(['"', '\\']) {
        return Err(Error::invalid(
            field,
            format!(
                "Enter {} without quotes before the @: mail servers refuse addresses like \
                 \"bo silva\"@example.com",
                a(what)
            ),
        ));
    }
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    if EmailAddress::parse_with_options(trimmed, options).is_err() || sendable(trimmed).is_none() {
        return Err(Error::invalid(
            field,
            format!("Enter {} like name@example.com", a(what)),
        ));
    }
    Ok(trimmed.to_owned())
}

/// The form of an address that goes on the wire: the local part as typed, the domain in
/// ASCII (UTS #46 ToASCII with the STD3 rules, hyphen checks and DNS lengths, RFC 5890);
/// `None` when it cannot be sent (no `@`, a domain with no ASCII form, a local part lettre
/// — the SMTP client — would not take).
pub(crate) fn sendable(address: &str) -> Option<lettre::Address> {
    let (local, domain) = address.rsplit_once('@')?;
    let domain = idna::domain_to_ascii_strict(domain).ok()?;
    lettre::Address::new(local, domain).ok()
}

/// A required name (first name, Workspace name, role name, sender name): trimmed,
/// 1..=100 characters, no control characters.
pub fn required_name(field: Field, value: &str) -> Result<String> {
    let trimmed = name(field, value)?;
    if trimmed.is_empty() {
        return Err(Error::invalid(field, format!("Enter {}", a(label(field)))));
    }
    Ok(trimmed)
}

/// An optional name (last name): trimmed, at most 100 characters, no control characters.
/// Names are kept exactly as people write them: any script, apostrophes, hyphens, accents.
pub fn name(field: Field, value: &str) -> Result<String> {
    let what = label(field);
    let trimmed = trim_input(value);
    if trimmed.chars().any(is_forbidden_in_text) {
        return Err(Error::invalid(
            field,
            format!("Write the {what} on a single line, without tabs or other control characters"),
        ));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(
            field,
            format!("Use at most {MAX_NAME_CHARS} characters in the {what}"),
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
    fn only_addresses_that_can_be_mailed_are_accepted() {
        for good in [
            "zoë@bücher.example",
            "dan@bücher.example",
            "josé@xn--bcher-kva.example",
            "o'neil.smith@example.co.uk",
            "陈@例子.example",
        ] {
            assert_eq!(email(good).ok().as_deref(), Some(good), "{good:?}");
        }
        for control in [
            "\u{9f}s@ygq.tr",
            "a\u{85}b@example.com",
            "ab@exa\u{0}mple.com",
        ] {
            let error = email(control).expect_err(control);
            assert_eq!(error.field(), Some(Field::Email), "{control:?}");
            assert!(error.to_string().contains("control characters"), "{error}");
        }
        let quoted = email("\"bo silva\"@example.com").expect_err("quoted");
        assert_eq!(quoted.field(), Some(Field::Email));
        assert!(quoted.to_string().contains("without quotes"), "{quoted}");
        for bad in [
            "\"bo\"@example.com",
            "\"a@b\"@example.com",
            "bo\\silva@example.com",
            "bo silva@example.com",
            "ana@bü cher.example",
            "ana@-bucher.example",
            "ana@example..com",
        ] {
            assert_eq!(field_of(email(bad)), Some(Field::Email), "{bad:?}");
        }
    }

    #[test]
    fn addresses_go_out_with_the_domain_in_ascii() {
        let sent = |a: &str| sendable(a).map(|a| a.to_string());
        assert_eq!(
            sent("dan@bücher.example").as_deref(),
            Some("dan@xn--bcher-kva.example")
        );
        assert_eq!(
            sent("zoë@Bücher.example").as_deref(),
            Some("zoë@xn--bcher-kva.example")
        );
        assert_eq!(
            sent("carla+ops@example.com").as_deref(),
            Some("carla+ops@example.com")
        );
        assert_eq!(sent("no-at-sign"), None);
    }

    /// Every field, found by a match without a wildcard: a new field fails to compile here
    /// until it joins the chain, so the check below covers it.
    fn every_field() -> Vec<Field> {
        fn next(field: Field) -> Option<Field> {
            Some(match field {
                Field::WorkspaceName => Field::Workspace,
                Field::Workspace => Field::Email,
                Field::Email => Field::FirstName,
                Field::FirstName => Field::LastName,
                Field::LastName => Field::Phone,
                Field::Phone => Field::Password,
                Field::Password => Field::ConfirmPassword,
                Field::ConfirmPassword => Field::CurrentPassword,
                Field::CurrentPassword => Field::NewPassword,
                Field::NewPassword => Field::Roles,
                Field::Roles => Field::RoleName,
                Field::RoleName => Field::RoleDescription,
                Field::RoleDescription => Field::Permissions,
                Field::Permissions => Field::MoveUsersTo,
                Field::MoveUsersTo => Field::SmtpHost,
                Field::SmtpHost => Field::SmtpPort,
                Field::SmtpPort => Field::SmtpSecurity,
                Field::SmtpSecurity => Field::SmtpUsername,
                Field::SmtpUsername => Field::SmtpPassword,
                Field::SmtpPassword => Field::SenderName,
                Field::SenderName => Field::SenderAddress,
                Field::SenderAddress => Field::InvitationDays,
                Field::InvitationDays => Field::TimeoutSeconds,
                Field::TimeoutSeconds => Field::InvitationCode,
                Field::InvitationCode => Field::HubAddress,
                Field::HubAddress => Field::EnrolmentCode,
                Field::EnrolmentCode => return None,
            })
        }
        std::iter::successors(Some(Field::WorkspaceName), |f| next(*f)).collect()
    }

    /// Asserts that `error` belongs to `field` and its message names that field.
    fn names_its_field(error: &Error, field: Field) {
        assert_eq!(error.field(), Some(field), "{error}");
        let message = error.to_string().to_lowercase();
        assert!(
            message.contains(&label(field).to_lowercase()),
            "the message under {field:?} does not name it: {message:?}"
        );
    }

    #[test]
    fn every_message_of_a_shared_rule_names_the_field_it_is_for() {
        let fields = every_field();
        assert_eq!(fields.len(), 27);
        for field in fields {
            let empty = required_name(field, "  ").expect_err("empty");
            names_its_field(&empty, field);
            let two_lines = name(field, "Ana\nLu").expect_err("control character");
            names_its_field(&two_lines, field);
            let long = name(field, &"a".repeat(MAX_NAME_CHARS + 1)).expect_err("long");
            names_its_field(&long, field);
            for bad in ["", "bruno", "\"bo silva\"@example.com", &"a".repeat(300)] {
                names_its_field(&address(field, bad).expect_err("bad address"), field);
            }
        }
        names_its_field(&phone("phone").expect_err("phone"), Field::Phone);
        // The Settings → Email sample of issue 9.
        let sender = required_name(Field::SenderName, "").expect_err("empty");
        assert_eq!(sender.to_string(), "Enter a sender name");
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
