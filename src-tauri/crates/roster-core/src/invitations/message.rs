//! The invitation email: plain text and HTML with the Workspace, who invited, the expiry date,
//! the deep link and the same code to paste. Never a password.

/// The link scheme registered by the app (tauri-plugin-deep-link).
pub const ACCEPT_LINK: &str = "roster://accept-invitation?token=";

/// Characters an address keeps as they are in a link's query (RFC 3986 unreserved).
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match unreserved(b) {
            true => char::from(b).to_string(),
            false => format!("%{b:02X}"),
        })
        .collect()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The hub address in a pasted invitation link (`…&hub=https%3A%2F%2Fhub.example`), if it
/// names one: the invitation is then accepted at that hub, and the Workspace joined from it.
/// A bare code or a link without `hub=` names none.
pub fn hub_in_link(pasted: &str) -> Option<String> {
    let (_, query) = pasted.trim().split_once('?')?;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("hub="))?;
    percent_decode(value).filter(|hub| !hub.is_empty())
}

/// Subject, plain text and HTML of an invitation.
pub(crate) struct Message {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What an invitation says.
pub(crate) struct Invitation<'a> {
    pub workspace: &'a str,
    pub inviter: &'a str,
    pub first_name: &'a str,
    pub token: &'a str,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub expires: &'a str,
    /// The hub that shares the Workspace, when one does: a fresh computer accepts there.
    pub hub: Option<&'a str>,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn compose(i: &Invitation<'_>) -> Message {
    let link = match i.hub {
        Some(hub) => format!("{ACCEPT_LINK}{}&hub={}", i.token, percent_encode(hub)),
        None => format!("{ACCEPT_LINK}{}", i.token),
    };
    // A bare code names no hub, so for a shared Workspace what is pasted is the whole link.
    let (what, code) = match i.hub {
        Some(_) => ("link", link.as_str()),
        None => ("code", i.token),
    };
    let subject = format!("{} invited you to {} on Roster", i.inviter, i.workspace);
    let text = format!(
        "Hello {first},\n\n\
         {inviter} invited you to the {workspace} Workspace in Roster.\n\n\
         To accept, open this link on a computer where Roster is installed:\n\
         {link}\n\n\
         Or open Roster, choose \"I have an invitation code\" on the sign-in screen and paste \
         this {what}:\n\
         {code}\n\n\
         You will choose your own password. The invitation expires on {expires}.\n\n\
         If you did not expect this email, you can ignore it.\n",
        first = i.first_name,
        inviter = i.inviter,
        workspace = i.workspace,
        expires = i.expires,
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">\
         <p>Hello {first},</p>\
         <p>{inviter} invited you to the <strong>{workspace}</strong> Workspace in Roster.</p>\
         <p><a href=\"{link}\">Accept the invitation in Roster</a></p>\
         <p>Or open Roster, choose “I have an invitation code” on the sign-in screen and paste \
         this {what}:</p>\
         <p><code style=\"font-size:1.1em\">{code}</code></p>\
         <p>You will choose your own password. The invitation expires on {expires}.</p>\
         <p style=\"color:#555\">If you did not expect this email, you can ignore it.</p>\
         </body></html>",
        first = escape(i.first_name),
        inviter = escape(i.inviter),
        workspace = escape(i.workspace),
        link = escape(&link),
        code = escape(code),
        expires = escape(i.expires),
    );
    Message {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html_and_the_code_appears_in_both_parts() {
        let message = compose(&Invitation {
            workspace: "R&D <North>",
            inviter: "Ana \"Boss\" Silva",
            first_name: "Carla",
            token: "abc-DEF_123",
            expires: "2026-12-07 10:00 UTC",
            hub: None,
        });
        assert_eq!(
            message.subject,
            "Ana \"Boss\" Silva invited you to R&D <North> on Roster"
        );
        assert!(message.html.contains("R&amp;D &lt;North&gt;"));
        assert!(!message.html.contains("<North>"));
        for part in [&message.text, &message.html] {
            assert!(part.contains("roster://accept-invitation?token=abc-DEF_123"));
            assert!(part.contains("2026-12-07 10:00 UTC"));
        }
        assert_eq!(
            hub_in_link("roster://accept-invitation?token=abc-DEF_123"),
            None
        );
    }

    #[test]
    fn a_shared_workspace_link_carries_its_hub_and_is_what_is_pasted() {
        let message = compose(&Invitation {
            workspace: "Acme",
            inviter: "Ana",
            first_name: "Carla",
            token: "abc-DEF_123",
            expires: "2026-12-07 10:00 UTC",
            hub: Some("https://hub.example:8443/roster"),
        });
        let link = "roster://accept-invitation?token=abc-DEF_123\
                    &hub=https%3A%2F%2Fhub.example%3A8443%2Froster";
        assert!(
            message
                .text
                .contains(&format!("paste this link:\n{link}\n"))
        );
        assert!(message.html.contains(&escape(link)));
        assert_eq!(
            hub_in_link(link).as_deref(),
            Some("https://hub.example:8443/roster")
        );
        assert_eq!(crate::token::hash(link), crate::token::hash("abc-DEF_123"));
    }
}
