//! Text normalisation shared by validation, storage keys and search.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Trims Unicode white space (including U+00A0 no-break space and tabs) and the invisible
/// U+200B zero-width space and U+FEFF byte-order mark, which paste in from documents.
pub fn trim_input(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}')
}

/// The comparison key of a text: NFC, then Unicode lower-case. Case folding happens here,
/// never in SQL, because SQLite's `lower()` and `NOCASE` fold ASCII only (DESIGN.md §3).
pub fn fold(value: &str) -> String {
    value.nfc().collect::<String>().to_lowercase()
}

/// The sort and search key of a name: compatibility-decomposed, accents dropped, lower-case,
/// so "Álvarez" sorts with "Alvarez" and a search for "nunez" finds "Núñez". Letters that are
/// not an accented base letter (ø, ß, 陈) stay as they are.
pub fn sort_key(value: &str) -> String {
    value
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// The text the search index holds for a user: name and email sort keys.
pub fn search_text(first_name: &str, last_name: &str, email: &str) -> String {
    format!(
        "{} {}",
        sort_key(&display_name(first_name, last_name)),
        sort_key(email)
    )
}

/// The key that identifies an email inside a Workspace: trimmed, NFC, lower-case.
pub fn email_key(email: &str) -> String {
    fold(trim_input(email))
}

/// "First Last", or just "First" when the last name is empty (no trailing space).
pub fn display_name(first_name: &str, last_name: &str) -> String {
    if last_name.is_empty() {
        first_name.to_owned()
    } else {
        format!("{first_name} {last_name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_tabs_no_break_spaces_and_invisible_marks() {
        assert_eq!(trim_input("  bruno@example.org  "), "bruno@example.org");
        assert_eq!(
            trim_input("\tbruno@example.org\u{00A0}"),
            "bruno@example.org"
        );
        assert_eq!(
            trim_input("\u{FEFF}bruno@example.org\u{200B}"),
            "bruno@example.org"
        );
    }

    #[test]
    fn email_key_folds_beyond_ascii() {
        assert_eq!(email_key("Ana.Silva@Example.COM"), "ana.silva@example.com");
        assert_eq!(email_key("ÉLODIE@EXAMPLE.FR"), "élodie@example.fr");
        assert_eq!(
            email_key("e\u{0301}lodie@example.fr"),
            "\u{00E9}lodie@example.fr"
        );
    }

    #[test]
    fn sort_keys_drop_accents_but_keep_other_letters() {
        assert_eq!(sort_key("Álvarez"), "alvarez");
        assert_eq!(sort_key("O'Brien-Núñez"), "o'brien-nunez");
        assert_eq!(sort_key("Ødegård"), "ødegard");
        assert_eq!(sort_key("陈 静"), "陈 静");
    }

    #[test]
    fn display_name_has_no_trailing_space() {
        assert_eq!(display_name("Kiri", ""), "Kiri");
        assert_eq!(display_name("陈", "静"), "陈 静");
    }
}
