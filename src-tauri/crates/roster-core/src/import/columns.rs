//! Recognising a file's columns by their headers: in English and Spanish, and in the layouts
//! of Roster's own download, Google Workspace Admin's user CSV ("Add or update multiple users
//! from a CSV file", its column reference), Bitwarden's member export (Admin Console →
//! Members → Export) and a Keycloak realm export's users.

use unicode_normalization::UnicodeNormalization;

use super::read::Sheet;
use crate::model::{ImportColumn, ImportFile, ImportFileColumn, ImportFormat, ImportSource};

/// Bitwarden's member export headers, in file order (bitwarden/clients, member export
/// service).
const BITWARDEN: [&str; 8] = [
    "Email",
    "Name",
    "Status",
    "Role",
    "Two-step Login",
    "Account Recovery",
    "Secrets Manager",
    "Groups",
];

/// A header as it is compared: without bracketed notes (Google's `[Required]`,
/// `[UPLOAD ONLY]`, `[MUST BE IN THE E.164 FORMAT]`), accents, case, spaces and punctuation.
pub(crate) fn header_key(header: &str) -> String {
    let mut plain = String::with_capacity(header.len());
    let mut depth = 0_u32;
    for c in header.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .nfd()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a header names, with a rank: where two columns name the same thing, the lower rank
/// wins and the other is left ignored (Google's file has four phone columns).
fn recognise(key: &str) -> Option<(ImportColumn, u8)> {
    use ImportColumn::*;
    let found = match key {
        "email" | "emailaddress" | "mail" | "email1" | "primaryemail" | "correo"
        | "correoelectronico" | "emailprincipal" => (Email, 0),
        "firstname" | "givenname" | "first" | "forename" | "nombre" | "nombres" | "nombrepila" => {
            (FirstName, 0)
        }
        "lastname" | "surname" | "familyname" | "last" | "apellido" | "apellidos" => (LastName, 0),
        "name" | "fullname" | "displayname" | "nombrecompleto" | "nombreyapellidos" => {
            (FullName, 0)
        }
        "phone" | "phonenumber" | "telephone" | "tel" | "telefono" | "attributesphonenumber" => {
            (Phone, 0)
        }
        "workphone" | "mobile" | "mobilephone" | "movil" | "celular" | "telefonomovil" => {
            (Phone, 1)
        }
        "homephone" | "recoveryphone" => (Phone, 2),
        "role" | "roles" | "rol" | "realmroles" => (Role, 0),
        "status" | "estado" | "newstatus" | "enabled" => (Status, 0),
        "password" | "contrasena" | "clave" => (Password, 0),
        _ => return None,
    };
    Some(found)
}

/// Whose layout `headers` follow.
pub(crate) fn source(format: ImportFormat, headers: &[String]) -> ImportSource {
    let has = |wanted: &str| headers.iter().any(|h| h.eq_ignore_ascii_case(wanted));
    if format == ImportFormat::Json {
        ImportSource::Keycloak
    } else if headers.len() >= crate::export::COLUMNS.len()
        && crate::export::COLUMNS
            .iter()
            .zip(headers)
            .all(|(a, b)| a == b)
    {
        ImportSource::Roster
    } else if has("Email Address [Required]") || has("First Name [Required]") {
        ImportSource::GoogleWorkspace
    } else if BITWARDEN.iter().filter(|h| has(h)).count() >= 5 {
        ImportSource::Bitwarden
    } else {
        ImportSource::Other
    }
}

/// What each column of a file fills in, as Import guesses it. Bitwarden's Role (Owner,
/// Admin, User, Custom) names Bitwarden's own roles, not Roster's, so it is left ignored
/// unless mapped by hand.
pub(crate) fn guesses(source: ImportSource, headers: &[String]) -> Vec<Option<ImportColumn>> {
    let found: Vec<Option<(ImportColumn, u8)>> = headers
        .iter()
        .map(|h| {
            let skip = source == ImportSource::Bitwarden && h == "Role";
            if skip {
                None
            } else {
                recognise(&header_key(h))
            }
        })
        .collect();
    found
        .iter()
        .enumerate()
        .map(|(i, guess)| {
            let (column, rank) = (*guess)?;
            let better = found.iter().enumerate().any(|(j, other)| {
                other.is_some_and(|(c, r)| c == column && (r < rank || (r == rank && j < i)))
            });
            (!better).then_some(column)
        })
        .collect()
}

/// The file as the mapping screen shows it.
pub(crate) fn describe(sheet: &Sheet, file_name: &str) -> ImportFile {
    let source = source(sheet.format, &sheet.headers);
    let guesses = guesses(source, &sheet.headers);
    let columns = sheet
        .headers
        .iter()
        .enumerate()
        .map(|(i, header)| ImportFileColumn {
            header: header.clone(),
            samples: sheet
                .rows
                .iter()
                .filter_map(|row| row.cells.get(i))
                .filter(|cell| !cell.is_empty())
                .take(3)
                .map(|cell| match guesses[i] {
                    // The screen may be seen by others: passwords show as dots, as typed ones do.
                    Some(ImportColumn::Password) => "••••••••".to_owned(),
                    _ => cell.shown().chars().take(80).collect(),
                })
                .collect(),
            guess: guesses[i],
        })
        .collect();
    ImportFile {
        file_name: file_name.to_owned(),
        format: sheet.format,
        encoding: sheet.encoding.map(str::to_owned),
        delimiter: sheet.delimiter.map(|d| match d {
            b'\t' => "tab".to_owned(),
            d => char::from(d).to_string(),
        }),
        source,
        rows: sheet.rows.len() as u64,
        columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn google_headers_are_read_without_their_notes_and_the_best_phone_wins() {
        let h = headers(&[
            "First Name [Required]",
            "Last Name [Required]",
            "Email Address [Required]",
            "Password [Required]",
            "Recovery Phone [MUST BE IN THE E.164 FORMAT]",
            "Work Phone",
            "Org Unit Path [Required]",
        ]);
        let source = source(ImportFormat::Csv, &h);
        assert_eq!(source, ImportSource::GoogleWorkspace);
        use ImportColumn::*;
        assert_eq!(
            guesses(source, &h),
            vec![
                Some(FirstName),
                Some(LastName),
                Some(Email),
                Some(Password),
                None,
                Some(Phone),
                None
            ]
        );
    }

    #[test]
    fn the_samples_of_a_password_column_are_not_shown() {
        let sheet = crate::import::read_bytes(
            b"Email,Password\nana@acme.example,Lantern-Orchid-Fjord-77\n",
            "csv",
        )
        .expect("read");
        let file = describe(&sheet, "users.csv");
        assert_eq!(file.columns[0].samples, vec!["ana@acme.example"]);
        assert_eq!(file.columns[1].samples, vec!["••••••••"]);
    }

    #[test]
    fn spanish_headers_are_recognised() {
        let h = headers(&[
            "Nombre",
            "Apellidos",
            "Correo electrónico",
            "Teléfono",
            "Rol",
        ]);
        use ImportColumn::*;
        assert_eq!(
            guesses(ImportSource::Other, &h),
            vec![
                Some(FirstName),
                Some(LastName),
                Some(Email),
                Some(Phone),
                Some(Role)
            ]
        );
    }

    #[test]
    fn bitwarden_is_recognised_and_its_role_left_to_the_user() {
        let h = headers(&BITWARDEN);
        let source = source(ImportFormat::Csv, &h);
        assert_eq!(source, ImportSource::Bitwarden);
        let g = guesses(source, &h);
        assert_eq!(g[0], Some(ImportColumn::Email));
        assert_eq!(g[1], Some(ImportColumn::FullName));
        assert_eq!(g[2], Some(ImportColumn::Status));
        assert_eq!(g[3], None);
    }
}
