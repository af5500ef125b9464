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

/// The key that identifies an email inside a Workspace: trimmed; the local part (before the
/// last `@`) NFC and lower-case; the domain in its canonical Unicode form (UTS #46
/// ToUnicode: `xn--` labels decoded, then mapped — lower-case, NFC, full-width letters and
/// dots to their usual form), so `josé@bücher.example` and `josé@xn--bcher-kva.example` are
/// one mailbox. A domain UTS #46 cannot read keeps the plain [`fold`], so any text still has
/// a key.
pub fn email_key(email: &str) -> String {
    let trimmed = trim_input(email);
    let Some((local, domain)) = trimmed.rsplit_once('@') else {
        return fold(trimmed);
    };
    let (unicode, readable) = idna::domain_to_unicode(domain);
    let domain = if readable.is_ok() {
        fold(&unicode)
    } else {
        fold(domain)
    };
    format!("{}@{domain}", fold(local))
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
    fn email_key_reads_a_domain_in_ascii_or_unicode_form_as_one() {
        let key = email_key("josé@bücher.example");
        assert_eq!(key, "josé@bücher.example");
        assert_eq!(email_key("José@xn--bcher-kva.example"), key);
        assert_eq!(email_key("JOSÉ@BÜCHER.EXAMPLE"), key);
        assert_eq!(email_key("josé@ｂüｃｈｅｒ．example"), key);
        assert_eq!(email_key(&email_key("josé@xn--bcher-kva.example")), key);
        // Punycode in the local part is only text: nothing to decode there.
        assert_eq!(
            email_key("xn--bcher-kva@example.com"),
            "xn--bcher-kva@example.com"
        );
        // Text that is no address still gets a key.
        assert_eq!(email_key("no at sign"), "no at sign");
        assert_eq!(email_key("a@xn--zz"), "a@xn--zz");
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
