//! The users of a Keycloak realm export (`kc.sh export`, or the admin console's partial
//! export): a JSON object with a `users` array of UserRepresentation (Keycloak Admin REST
//! API), or that array alone. Each user becomes a row with the columns below; credentials
//! (password hashes Roster cannot take over) and everything else are left out.

use serde_json::Value;

use super::read::{Cell, Sheet, SheetRow};
use crate::error::{Error, Result};
use crate::model::ImportFormat;

/// The columns a Keycloak user becomes, named after the UserRepresentation fields.
pub(crate) const HEADERS: [&str; 7] = [
    "username",
    "email",
    "firstName",
    "lastName",
    "attributes.phoneNumber",
    "enabled",
    "realmRoles",
];

/// Realm roles every Keycloak user holds by default; they say nothing about the user.
fn is_default_role(name: &str) -> bool {
    name.starts_with("default-roles-") || name == "offline_access" || name == "uma_authorization"
}

fn refuse(reason: impl Into<String>) -> Error {
    Error::ImportFile {
        reason: reason.into(),
    }
}

/// Reads a realm export. Errors: [`Error::ImportFile`] when it is not JSON or holds no
/// `users` array.
pub(crate) fn read(bytes: &[u8]) -> Result<Sheet> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        refuse(format!(
            "it is not JSON (line {}, column {}: {e})",
            e.line(),
            e.column()
        ))
    })?;
    let users = match &value {
        Value::Array(users) => users,
        Value::Object(realm) => match realm.get("users") {
            Some(Value::Array(users)) => users,
            _ => {
                return Err(refuse(
                    "it is JSON without a \"users\" list. Export the realm with its users: \
                     the admin console's partial export leaves them out, so run \
                     kc.sh export --realm <name> --users realm_file --file <file>.json",
                ));
            }
        },
        _ => return Err(refuse("it is JSON but not a Keycloak realm export")),
    };
    if users.len() > super::read::MAX_ROWS {
        return Err(refuse(format!(
            "it has {} users, and Import takes up to {} at a time",
            crate::error::thousands(users.len() as u64),
            crate::error::thousands(super::read::MAX_ROWS as u64)
        )));
    }
    let rows = users
        .iter()
        .enumerate()
        .map(|(i, user)| SheetRow {
            line: i as u64 + 1,
            cells: HEADERS.iter().map(|field| cell(user, field)).collect(),
            overflow: false,
        })
        .collect();
    Ok(Sheet {
        format: ImportFormat::Json,
        encoding: None,
        delimiter: None,
        headers: HEADERS.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    })
}

fn text(value: String) -> Cell {
    if value.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value.into_boxed_str())
    }
}

fn cell(user: &Value, field: &str) -> Cell {
    match field {
        "attributes.phoneNumber" => {
            let attributes = user.get("attributes");
            let first = ["phoneNumber", "phone", "mobile"]
                .iter()
                .find_map(|name| match attributes.and_then(|a| a.get(name)) {
                    Some(Value::Array(values)) => values.first().and_then(Value::as_str),
                    Some(Value::String(value)) => Some(value.as_str()),
                    _ => None,
                });
            text(first.unwrap_or_default().to_owned())
        }
        "enabled" => match user.get("enabled") {
            Some(Value::Bool(false)) => text("false".to_owned()),
            Some(Value::Bool(true)) => text("true".to_owned()),
            _ => Cell::Empty,
        },
        "realmRoles" => {
            let roles: Vec<&str> = user
                .get("realmRoles")
                .and_then(Value::as_array)
                .map(|roles| {
                    roles
                        .iter()
                        .filter_map(Value::as_str)
                        .filter(|r| !is_default_role(r))
                        .collect()
                })
                .unwrap_or_default();
            text(roles.join(", "))
        }
        _ => match user.get(field) {
            Some(Value::String(s)) => text(s.clone()),
            Some(Value::Null) | None => Cell::Empty,
            Some(other) => text(other.to_string()),
        },
    }
}
