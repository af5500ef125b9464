//! The invitation email: plain text and HTML with the Workspace, who invited, the expiry date,
//! the deep link and the same code to paste. Never a password.

/// The link scheme registered by the app (tauri-plugin-deep-link).
pub const ACCEPT_LINK: &str = "roster://accept-invitation?token=";

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
    let link = format!("{ACCEPT_LINK}{}", i.token);
    let subject = format!("{} invited you to {} on Roster", i.inviter, i.workspace);
    let text = format!(
        "Hello {first},\n\n\
         {inviter} invited you to the {workspace} Workspace in Roster.\n\n\
         To accept, open this link on a computer where Roster is installed:\n\
         {link}\n\n\
         Or open Roster, choose \"I have an invitation code\" on the sign-in screen and paste \
         this code:\n\
         {token}\n\n\
         You will choose your own password. The invitation expires on {expires}.\n\n\
         If you did not expect this email, you can ignore it.\n",
        first = i.first_name,
        inviter = i.inviter,
        workspace = i.workspace,
        token = i.token,
        expires = i.expires,
    );
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">\
         <p>Hello {first},</p>\
         <p>{inviter} invited you to the <strong>{workspace}</strong> Workspace in Roster.</p>\
         <p><a href=\"{link}\">Accept the invitation in Roster</a></p>\
         <p>Or open Roster, choose “I have an invitation code” on the sign-in screen and paste \
         this code:</p>\
         <p><code style=\"font-size:1.1em\">{token}</code></p>\
         <p>You will choose your own password. The invitation expires on {expires}.</p>\
         <p style=\"color:#555\">If you did not expect this email, you can ignore it.</p>\
         </body></html>",
        first = escape(i.first_name),
        inviter = escape(i.inviter),
        workspace = escape(i.workspace),
        link = escape(&link),
        token = escape(i.token),
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
    }
}
