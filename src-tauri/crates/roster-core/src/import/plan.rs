//! The preview: what each row of a file will do, decided by the same validators and
//! permission rules as Add user and Edit (`validation`, `passwords::check_policy`,
//! `Actor::require*`, `users::roles::check_shape`), against the Workspace as it is now, with
//! nothing written. Apply builds its operations from this plan, and applying them checks
//! every rule again inside each batch's transaction.

use std::collections::{BTreeSet, HashMap};

use super::read::{Cell, Sheet};
use crate::actor::Actor;
use crate::error::{Error, Field};
use crate::model::{
    ImportAction, ImportChange, ImportColumn, ImportJoin, ImportOptions, ImportPreview, ImportRow,
    ImportRowError, ImportRowsPage, ImportTotals, Status,
};
use crate::passwords::{self, Secret};
use crate::permissions::Permission;
use crate::roles::name_key;
use crate::store::{KnownUser, RoleRow};
use crate::sync::ops::{Access, AccessChange};
use crate::text::{display_name, email_key};
use crate::users::SUPER_USER_ROLE;
use crate::validation;

/// How a new user gets in.
#[derive(Debug, Clone)]
pub(crate) enum Entry {
    /// With the password from the file.
    Password(Secret),
    /// With a password Roster makes at Apply.
    Generated,
    /// By an invitation email.
    Invitation,
}

/// What Apply does for a row.
#[derive(Debug, Clone)]
pub(crate) enum Work {
    /// A new user, removed at once when the file says Removed.
    Add {
        email: String,
        first_name: String,
        last_name: String,
        phone: String,
        access: Access,
        entry: Entry,
        removed: bool,
    },
    /// A user of the Workspace: the fields that change, then a Restore if due.
    Change {
        user_id: String,
        first_name: Option<String>,
        last_name: Option<String>,
        phone: Option<String>,
        access: Option<AccessChange>,
        seen: Status,
        restore: bool,
    },
}

/// A row of the plan: what the preview shows and what Apply does.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub shown: ImportRow,
    pub work: Option<Work>,
}

/// A file's preview under one set of options: every row's plan and the summary.
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) workspace_id: String,
    pub(crate) actor_id: String,
    pub(crate) options: ImportOptions,
    pub(crate) rows: Vec<Planned>,
    pub(crate) preview: ImportPreview,
}

impl Plan {
    /// The summary the preview shows on top.
    pub fn preview(&self) -> &ImportPreview {
        &self.preview
    }

    /// The options the plan was made with.
    pub fn options(&self) -> &ImportOptions {
        &self.options
    }

    /// Rows of kind `action` (every row when `None`) from `offset`, at most `limit`.
    pub fn rows(&self, action: Option<ImportAction>, offset: u64, limit: u64) -> ImportRowsPage {
        page(self.rows.iter().map(|r| &r.shown), action, offset, limit)
    }
}

/// A page of `rows` of kind `action`.
pub(crate) fn page<'a>(
    rows: impl Iterator<Item = &'a ImportRow>,
    action: Option<ImportAction>,
    offset: u64,
    limit: u64,
) -> ImportRowsPage {
    let mut total = 0_u64;
    let mut out = Vec::new();
    for row in rows.filter(|r| action.is_none_or(|a| r.action == a)) {
        if total >= offset && (out.len() as u64) < limit {
            out.push(row.clone());
        }
        total += 1;
    }
    ImportRowsPage { rows: out, total }
}

/// Adds `action` to `totals`.
pub(crate) fn count(totals: &mut ImportTotals, action: ImportAction) {
    match action {
        ImportAction::Add => totals.add += 1,
        ImportAction::Update => totals.update += 1,
        ImportAction::Restore => totals.restore += 1,
        ImportAction::NoChange => totals.no_change += 1,
        ImportAction::Error => totals.error += 1,
    }
}

/// Everything a row is judged against, read once per preview.
pub(crate) struct Context<'a> {
    pub actor: &'a Actor,
    pub sheet: &'a Sheet,
    pub options: &'a ImportOptions,
    /// The users of the Workspace with an email of the file, by email key.
    pub known: HashMap<String, KnownUser>,
    /// The Workspace's live roles.
    pub roles: Vec<RoleRow>,
    /// Settings → Email is set up, so invitations can be sent.
    pub invitations_ready: bool,
    /// Active super-users of the Workspace.
    pub super_users: i64,
}

/// Which column of the file fills in each thing, after the mapping is checked.
struct Columns {
    of: HashMap<ImportColumn, usize>,
}

/// An error of a row, in the column `column` of the file.
fn fault(column: Option<&str>, message: impl Into<String>) -> ImportRowError {
    ImportRowError {
        column: column.map(str::to_owned),
        message: message.into(),
    }
}

/// The mapping's problems that stop the whole import, if any.
fn check_mapping(sheet: &Sheet, options: &ImportOptions) -> Result<Columns, String> {
    if options.mapping.len() != sheet.headers.len() {
        return Err(format!(
            "The file has {} columns but the mapping names {}; choose again",
            sheet.headers.len(),
            options.mapping.len()
        ));
    }
    let mut of: HashMap<ImportColumn, usize> = HashMap::new();
    for (i, column) in options.mapping.iter().enumerate() {
        let Some(column) = column else { continue };
        if let Some(first) = of.insert(*column, i) {
            return Err(format!(
                "Two columns fill in {}: \u{201c}{}\u{201d} and \u{201c}{}\u{201d}. Choose one \
                 and set the other to Ignore",
                column_label(*column),
                sheet.headers[first],
                sheet.headers[i]
            ));
        }
    }
    if !of.contains_key(&ImportColumn::Email) {
        return Err(
            "No column fills in Email: users are matched by their email address. Choose the \
             column that holds it"
                .to_owned(),
        );
    }
    if of.contains_key(&ImportColumn::FullName)
        && (of.contains_key(&ImportColumn::FirstName) || of.contains_key(&ImportColumn::LastName))
    {
        return Err("Choose either Full name or First name and Last name, not both".to_owned());
    }
    if options.join == ImportJoin::FilePassword && !of.contains_key(&ImportColumn::Password) {
        return Err(
            "No column fills in Password, so new users cannot get the file's passwords. \
             Choose that column, or another way for new users to join"
                .to_owned(),
        );
    }
    Ok(Columns { of })
}

/// What a column fills in, as the mapping screen names it.
pub(crate) fn column_label(column: ImportColumn) -> &'static str {
    match column {
        ImportColumn::FirstName => "First name",
        ImportColumn::LastName => "Last name",
        ImportColumn::FullName => "Full name",
        ImportColumn::Email => "Email",
        ImportColumn::Phone => "Phone",
        ImportColumn::Role => "Role",
        ImportColumn::Status => "Status",
        ImportColumn::Password => "Password",
    }
}

/// A Status cell as Roster reads it: its own words, Spanish, Bitwarden's (Invited,
/// Accepted, Confirmed, Revoked), Google's (Active, Suspended) and Keycloak's `enabled`.
fn status(text: &str) -> Option<Status> {
    match crate::text::fold(text.trim()).as_str() {
        "active" | "activo" | "activa" | "accepted" | "confirmed" | "enabled" | "true" | "yes"
        | "si" => Some(Status::Active),
        "invited" | "invitado" | "invitada" | "pending" | "pendiente" => Some(Status::Invited),
        "removed" | "eliminado" | "eliminada" | "retirado" | "retirada" | "revoked"
        | "suspended" | "suspendido" | "suspendida" | "disabled" | "false" | "no" => {
            Some(Status::Removed)
        }
        _ => None,
    }
}

/// The text of a cell, or why it cannot be read as text.
fn text_of(cell: &Cell, column: ImportColumn, header: &str) -> Result<String, ImportRowError> {
    match cell {
        Cell::Empty => Ok(String::new()),
        Cell::Text(text) => Ok(without_guard(text, column == ImportColumn::Phone)),
        Cell::Number(shown) if column == ImportColumn::Phone => Err(fault(
            Some(header),
            format!(
                "The cell is a number ({shown}), so the spreadsheet may have dropped a leading \
                 0 or +. Format the column as Text and type the phone numbers again"
            ),
        )),
        Cell::Number(shown) if column == ImportColumn::Password => Ok(shown.to_string()),
        // A number where a name, email, role or status belongs is most often a date Excel
        // stored as its serial number (46027 is 2026-01-05).
        Cell::Number(shown) => Err(fault(
            Some(header),
            format!(
                "The cell is a number ({shown}), not {}; a date may have been stored as one. \
                 Format the column as Text and type the values again",
                column_label(column).to_lowercase()
            ),
        )),
        Cell::Date(shown) => Err(fault(
            Some(header),
            format!(
                "The cell holds a date ({shown}), not {}. Format the column as Text",
                column_label(column).to_lowercase()
            ),
        )),
        Cell::Formula(formula) => Err(fault(
            Some(header),
            format!(
                "The cell holds a formula (={}); Import takes values only. Copy the column \
                 and paste it as values",
                formula.chars().take(40).collect::<String>()
            ),
        )),
        Cell::Error(shown) => Err(fault(
            Some(header),
            format!("The cell shows the spreadsheet error {shown}"),
        )),
    }
}

/// Undoes the formula guard of Roster's own download: a `'` before text that the guard
/// would have prefixed is the guard's, not the user's.
fn without_guard(text: &str, is_phone: bool) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if crate::export::guard_formula(rest, is_phone).len() > rest.len() => {
            rest.to_owned()
        }
        _ => text.to_owned(),
    }
}

/// The values of one row, by what they fill in (empty cells are absent), and the header of
/// each mapped column.
struct Values<'a> {
    of: HashMap<ImportColumn, String>,
    headers: HashMap<ImportColumn, &'a str>,
}

impl Values<'_> {
    fn get(&self, column: ImportColumn) -> Option<&str> {
        self.of.get(&column).map(String::as_str)
    }

    /// The file's header of the column that fills in `column`, if one does.
    fn header(&self, column: ImportColumn) -> Option<&str> {
        self.headers.get(&column).copied()
    }
}

/// The role label the list shows for `access`.
fn access_label(access: &Access, roles: &[RoleRow]) -> String {
    if access.is_super_user {
        return SUPER_USER_ROLE.to_owned();
    }
    let mut names: Vec<&str> = access
        .role_ids
        .iter()
        .filter_map(|id| roles.iter().find(|r| &r.id == id).map(|r| r.name.as_str()))
        .collect();
    names.sort_unstable();
    names.join(", ")
}

impl Context<'_> {
    fn role(&self, id: &str) -> Option<&RoleRow> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// The access a Role cell names: "Super-user", or role names separated by commas (or
    /// semicolons), compared as role names are (case, accents and look-alikes folded).
    fn access_named(&self, cell: &str, header: &str) -> Result<Access, ImportRowError> {
        let names: Vec<&str> = cell
            .split([',', ';'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        let super_key = name_key(SUPER_USER_ROLE);
        if names.iter().any(|n| name_key(n) == super_key) {
            if names.len() > 1 {
                return Err(fault(
                    Some(header),
                    "A super-user holds every permission and no role: write Super-user alone",
                ));
            }
            return Ok(Access::new(true, &[]));
        }
        // A role's own name may hold a comma ("Sales, EMEA", which the download writes as is
        // between ", "): from each part, the longest run of parts that names a role wins.
        let keys: Vec<(String, &str)> = self
            .roles
            .iter()
            .map(|r| (name_key(&r.name), r.id.as_str()))
            .collect();
        let mut ids = Vec::with_capacity(names.len());
        let mut start = 0;
        while start < names.len() {
            let found = (start..names.len()).rev().find_map(|end| {
                let key = name_key(&names[start..=end].join(","));
                keys.iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, id)| (end, (*id).to_owned()))
            });
            let Some((end, id)) = found else {
                return Err(fault(
                    Some(header),
                    format!(
                        "No role is named \u{201c}{}\u{201d} in this Workspace. Add the role in \
                         Roles first, or change the cell",
                        names[start]
                    ),
                ));
            };
            ids.push(id);
            start = end + 1;
        }
        Ok(Access::new(false, &ids))
    }

    /// The permissions a holder of `access` has.
    fn permissions_of(&self, access: &Access) -> Vec<Permission> {
        if access.is_super_user {
            return Permission::ALL.to_vec();
        }
        let set: BTreeSet<Permission> = access
            .role_ids
            .iter()
            .filter_map(|id| self.role(id))
            .flat_map(|r| r.permissions.iter().copied())
            .collect();
        set.into_iter().collect()
    }

    /// Whether the actor may give `access` to a new user (Add user's rules).
    fn may_give(&self, access: &Access) -> Result<(), Error> {
        crate::users::check_shape(access.is_super_user, &access.role_ids)?;
        if access.is_super_user {
            self.actor.require_super_user("add super-users")?;
        }
        let roles: Vec<&RoleRow> = access
            .role_ids
            .iter()
            .filter_map(|id| self.role(id))
            .collect();
        crate::users::ensure_may_assign(self.actor, roles)
    }
}

/// Makes the plan of every row of `ctx.sheet`.
pub(crate) fn plan(ctx: &Context<'_>, workspace_id: &str) -> Plan {
    let mut rows = Vec::with_capacity(ctx.sheet.rows.len());
    let mut totals = ImportTotals::default();
    let mut seats = 0_i64;
    let mut blocker = None;
    let mut used_default = false;
    let mut mapped = None;
    match check_mapping(ctx.sheet, ctx.options) {
        Ok(columns) => mapped = Some(columns),
        Err(problem) => blocker = Some(problem),
    }
    let default_access = Access::new(ctx.options.is_super_user, &ctx.options.role_ids);
    let default_ok = ctx.options.role_ids.iter().all(|id| ctx.role(id).is_some())
        && ctx.may_give(&default_access).is_ok();
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    let mut super_users = ctx.super_users;
    if let Some(columns) = &mapped {
        for row in &ctx.sheet.rows {
            let planned = plan_row(
                ctx,
                columns,
                row,
                &mut seen_emails,
                &default_access,
                &mut used_default,
                &mut super_users,
            );
            count(&mut totals, planned.shown.action);
            seats += seat_change(&planned);
            rows.push(planned);
        }
    }
    if blocker.is_none() && used_default && !default_ok {
        blocker = Some(
            "Some new users have no role in the file: choose Super-user or at least one role \
             you may give for them"
                .to_owned(),
        );
    }
    let adds = rows.iter().any(|r| {
        matches!(
            r.work,
            Some(Work::Add {
                entry: Entry::Invitation,
                ..
            })
        )
    });
    if blocker.is_none() && adds && !ctx.invitations_ready {
        blocker = Some(
            "Invitations need email: set it up in Settings → Email, or choose another way \
             for new users to join"
                .to_owned(),
        );
    }
    let ignored = ctx
        .sheet
        .headers
        .iter()
        .zip(ctx.options.mapping.iter().chain(std::iter::repeat(&None)))
        .filter(|(_, m)| m.is_none())
        .map(|(h, _)| h.clone())
        .collect();
    Plan {
        workspace_id: workspace_id.to_owned(),
        actor_id: ctx.actor.user_id.clone(),
        options: ctx.options.clone(),
        rows,
        preview: ImportPreview {
            totals,
            seats,
            ignored,
            blocker,
        },
    }
}

/// How a planned row moves the number of active users.
fn seat_change(planned: &Planned) -> i64 {
    match &planned.work {
        Some(Work::Add {
            entry: Entry::Password(_) | Entry::Generated,
            removed: false,
            ..
        }) => 1,
        Some(Work::Change { restore: true, .. }) => {
            i64::from(planned.shown.status == Some(Status::Active))
        }
        _ => 0,
    }
}

fn error_row(line: u64, email: String, error: ImportRowError) -> Planned {
    Planned {
        shown: ImportRow {
            row: line,
            email,
            name: String::new(),
            action: ImportAction::Error,
            status: None,
            changes: Vec::new(),
            error: Some(error),
        },
        work: None,
    }
}

fn plan_row(
    ctx: &Context<'_>,
    columns: &Columns,
    row: &super::read::SheetRow,
    seen_emails: &mut HashMap<String, u64>,
    default_access: &Access,
    used_default: &mut bool,
    super_users: &mut i64,
) -> Planned {
    let headers = &ctx.sheet.headers;
    let email_text = columns
        .of
        .get(&ImportColumn::Email)
        .and_then(|i| row.cells.get(*i))
        .map(Cell::shown)
        .unwrap_or_default()
        .trim()
        .to_owned();
    let fail = |error: ImportRowError| error_row(row.line, email_text.clone(), error);
    if row.overflow {
        return fail(fault(
            None,
            "This row has more cells than the header row has columns (a comma inside a value \
             that is not in quotes?)",
        ));
    }
    let repeats_header = row
        .cells
        .iter()
        .zip(headers)
        .all(|(cell, header)| cell.shown().trim() == header.as_str());
    if repeats_header {
        return fail(fault(
            None,
            "This row repeats the header row (two files joined into one?)",
        ));
    }
    let mut values = Values {
        of: HashMap::new(),
        headers: HashMap::new(),
    };
    for (column, index) in &columns.of {
        let header = headers[*index].as_str();
        values.headers.insert(*column, header);
        let cell = row.cells.get(*index).unwrap_or(&Cell::Empty);
        match text_of(cell, *column, header) {
            Ok(text) if text.trim().is_empty() => {}
            Ok(text) => {
                values.of.insert(*column, text);
            }
            Err(error) => return fail(error),
        }
    }
    let email_header = values.header(ImportColumn::Email).map(str::to_owned);
    let email = match validation::email(values.get(ImportColumn::Email).unwrap_or_default()) {
        Ok(email) => email,
        Err(e) => return fail(fault(email_header.as_deref(), e.to_string())),
    };
    let key = email_key(&email);
    if let Some(first) = seen_emails.get(&key) {
        return fail(fault(
            email_header.as_deref(),
            format!("The same email address as row {first} (compared without case)"),
        ));
    }
    seen_emails.insert(key.clone(), row.line);

    let (first_name, last_name) = match values.get(ImportColumn::FullName) {
        Some(full) => {
            let full = full.trim();
            match full.split_once(char::is_whitespace) {
                Some((first, last)) => (Some(first.to_owned()), Some(last.trim().to_owned())),
                None => (Some(full.to_owned()), None),
            }
        }
        None => (
            values.get(ImportColumn::FirstName).map(str::to_owned),
            values.get(ImportColumn::LastName).map(str::to_owned),
        ),
    };
    let first_header = values
        .header(ImportColumn::FullName)
        .or(values.header(ImportColumn::FirstName));
    let last_header = values
        .header(ImportColumn::FullName)
        .or(values.header(ImportColumn::LastName));
    let checked = |value: Option<String>, header, check: &dyn Fn(&str) -> crate::Result<String>| {
        value
            .map(|v| check(&v).map_err(|e| fault(header, e.to_string())))
            .transpose()
    };
    let first_name = match checked(first_name, first_header, &|v| {
        validation::required_name(Field::FirstName, v)
    }) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let last_name = match checked(last_name, last_header, &|v| {
        validation::name(Field::LastName, v)
    }) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let phone = match checked(
        values.get(ImportColumn::Phone).map(str::to_owned),
        values.header(ImportColumn::Phone),
        &validation::phone,
    ) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let access = match values.get(ImportColumn::Role) {
        Some(cell) => {
            match ctx.access_named(cell, values.header(ImportColumn::Role).unwrap_or_default()) {
                Ok(access) => Some(access),
                Err(e) => return fail(e),
            }
        }
        None => None,
    };
    let wanted_status = match values.get(ImportColumn::Status) {
        Some(cell) => match status(cell) {
            Some(s) => Some(s),
            None => {
                return fail(fault(
                    values.header(ImportColumn::Status),
                    format!(
                        "\u{201c}{cell}\u{201d} is not a status Roster knows: write Active, \
                         Invited or Removed"
                    ),
                ));
            }
        },
        None => None,
    };
    let row_values = RowValues {
        line: row.line,
        email,
        first_name,
        last_name,
        phone,
        access,
        wanted_status,
    };
    match ctx.known.get(&key) {
        Some(user) => plan_change(ctx, &values, row_values, user, super_users),
        None => plan_add(ctx, &values, row_values, default_access, used_default),
    }
}

/// A row's values after every cell passed its validator.
struct RowValues {
    line: u64,
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    access: Option<Access>,
    wanted_status: Option<Status>,
}

fn forbidden(column: Option<&str>, error: &Error) -> ImportRowError {
    fault(column, error.to_string())
}

fn plan_add(
    ctx: &Context<'_>,
    values: &Values<'_>,
    row: RowValues,
    default_access: &Access,
    used_default: &mut bool,
) -> Planned {
    let email_header = values.header(ImportColumn::Email);
    let fail = |error| error_row(row.line, row.email.clone(), error);
    let Some(first_name) = row.first_name.clone() else {
        let header = values
            .header(ImportColumn::FullName)
            .or(values.header(ImportColumn::FirstName));
        let message = if header.is_some() {
            "Enter a first name: a new user needs one".to_owned()
        } else {
            "No column fills in First name (or Full name), and a new user needs one".to_owned()
        };
        return fail(fault(header, message));
    };
    let last_name = row.last_name.clone().unwrap_or_default();
    let role_header = values.header(ImportColumn::Role);
    let access = match &row.access {
        Some(access) => {
            if let Err(e) = ctx.may_give(access) {
                return fail(forbidden(role_header, &e));
            }
            access.clone()
        }
        None => {
            *used_default = true;
            default_access.clone()
        }
    };
    let invited =
        row.wanted_status == Some(Status::Invited) || ctx.options.join == ImportJoin::Invitation;
    let entry = if invited {
        if row.wanted_status == Some(Status::Invited)
            && ctx.options.join != ImportJoin::Invitation
            && !ctx.invitations_ready
        {
            return fail(fault(
                values.header(ImportColumn::Status),
                "The file says Invited, and invitations need email: set it up in Settings → \
                 Email",
            ));
        }
        Entry::Invitation
    } else if ctx.options.join == ImportJoin::FilePassword {
        let header = values.header(ImportColumn::Password);
        let typed = values
            .get(ImportColumn::Password)
            .filter(|p| *p != "****")
            .unwrap_or_default();
        if typed.is_empty() {
            return fail(fault(
                header,
                "Enter a password: new users get the file's passwords",
            ));
        }
        let secret = Secret::new(typed);
        let inputs = [row.email.as_str(), first_name.as_str(), last_name.as_str()];
        if let Err(e) = passwords::check_policy(Field::Password, &secret, &inputs) {
            return fail(fault(header, e.to_string()));
        }
        Entry::Password(secret)
    } else {
        Entry::Generated
    };
    let needed = match entry {
        Entry::Invitation => Permission::UsersInvite,
        _ => Permission::UsersCreate,
    };
    if let Err(e) = ctx.actor.require(needed) {
        return fail(forbidden(email_header, &e));
    }
    let removed = row.wanted_status == Some(Status::Removed);
    if removed && let Err(e) = ctx.actor.require(Permission::UsersRemove) {
        return fail(forbidden(values.header(ImportColumn::Status), &e));
    }
    let status = if removed {
        Status::Removed
    } else if matches!(entry, Entry::Invitation) {
        Status::Invited
    } else {
        Status::Active
    };
    Planned {
        shown: ImportRow {
            row: row.line,
            email: row.email.clone(),
            name: display_name(&first_name, &last_name),
            action: ImportAction::Add,
            status: Some(status),
            changes: Vec::new(),
            error: None,
        },
        work: Some(Work::Add {
            email: row.email,
            first_name,
            last_name,
            phone: row.phone.unwrap_or_default(),
            access,
            entry,
            removed,
        }),
    }
}

fn plan_change(
    ctx: &Context<'_>,
    values: &Values<'_>,
    row: RowValues,
    user: &KnownUser,
    super_users: &mut i64,
) -> Planned {
    let fail = |error| error_row(row.line, row.email.clone(), error);
    let email_header = values.header(ImportColumn::Email);
    let held = Access::new(user.is_super_user, &user.role_ids);
    let mut changes = Vec::new();
    let mut field = |name: &str, from: &str, to: &Option<String>| -> Option<String> {
        let to = to.as_ref().filter(|to| to.as_str() != from)?;
        changes.push(ImportChange {
            field: name.to_owned(),
            from: from.to_owned(),
            to: to.clone(),
        });
        Some(to.clone())
    };
    let first_name = field("First name", &user.first_name, &row.first_name);
    let last_name = field("Last name", &user.last_name, &row.last_name);
    let phone = field("Phone", &user.phone, &row.phone);
    let access = row.access.clone().filter(|to| *to != held);
    if let Some(to) = &access {
        changes.push(ImportChange {
            field: "Role".to_owned(),
            from: access_label(&held, &ctx.roles),
            to: access_label(to, &ctx.roles),
        });
    }
    let restore = user.status == Status::Removed && row.wanted_status != Some(Status::Removed);
    if user.status != Status::Removed && row.wanted_status == Some(Status::Removed) {
        return fail(fault(
            values.header(ImportColumn::Status),
            "The file says Removed: Import does not remove users from the Workspace. Use \
             Remove from Workspace on the user, or change the cell",
        ));
    }
    let name = display_name(
        first_name.as_deref().unwrap_or(&user.first_name),
        last_name.as_deref().unwrap_or(&user.last_name),
    );
    if changes.is_empty() && !restore {
        return Planned {
            shown: ImportRow {
                row: row.line,
                email: row.email,
                name,
                action: ImportAction::NoChange,
                status: None,
                changes,
                error: None,
            },
            work: None,
        };
    }
    if !ctx.options.update_existing {
        return fail(fault(
            email_header,
            "This user is already in the Workspace. Turn on \u{201c}Update users already in \
             the Workspace\u{201d} to change them",
        ));
    }
    let actor = ctx.actor;
    let permissions = ctx.permissions_of(&held);
    let is_self = user.id == actor.user_id;
    if !changes.is_empty() {
        let check = actor.require(Permission::UsersEdit).and_then(|()| {
            if is_self {
                Ok(())
            } else {
                actor.require_may_manage(user.is_super_user, &permissions, "edit")
            }
        });
        if let Err(e) = check {
            return fail(forbidden(email_header, &e));
        }
    }
    if let Some(to) = &access {
        let role_header = values.header(ImportColumn::Role);
        if let Err(e) = check_access_change(ctx, user, &held, to, is_self, super_users) {
            return fail(forbidden(role_header, &e));
        }
    }
    if restore {
        let check = actor
            .require(Permission::UsersRemove)
            .and_then(|()| actor.require_may_manage(user.is_super_user, &permissions, "restore"));
        if let Err(e) = check {
            return fail(forbidden(email_header, &e));
        }
    }
    let status = restore.then_some(if user.has_password {
        Status::Active
    } else {
        Status::Invited
    });
    Planned {
        shown: ImportRow {
            row: row.line,
            email: row.email,
            name,
            action: if restore {
                ImportAction::Restore
            } else {
                ImportAction::Update
            },
            status,
            changes,
            error: None,
        },
        work: Some(Work::Change {
            user_id: user.id.clone(),
            first_name,
            last_name,
            phone,
            access: access.map(|to| AccessChange {
                from: held.clone(),
                to,
            }),
            seen: user.status,
            restore,
        }),
    }
}

/// Edit's rules for a change of power from `held` to `to`: nobody changes their own roles,
/// only super-users make super-users, each role given or taken must grant only permissions
/// the actor holds, and the last active super-user stays one.
fn check_access_change(
    ctx: &Context<'_>,
    user: &KnownUser,
    held: &Access,
    to: &Access,
    is_self: bool,
    super_users: &mut i64,
) -> Result<(), Error> {
    if is_self {
        return Err(Error::Forbidden("You cannot change your own roles".into()));
    }
    crate::users::check_shape(to.is_super_user, &to.role_ids)?;
    if to.is_super_user && !user.is_super_user {
        ctx.actor.require_super_user("make users super-users")?;
    }
    let given = to.role_ids.iter().filter(|id| !held.role_ids.contains(id));
    let taken = held.role_ids.iter().filter(|id| !to.role_ids.contains(id));
    let touched: Vec<&RoleRow> = given.chain(taken).filter_map(|id| ctx.role(id)).collect();
    crate::users::ensure_may_assign(ctx.actor, touched)?;
    if user.is_super_user && !to.is_super_user && user.status == Status::Active {
        if *super_users <= 1 {
            return Err(Error::LastSuperUser);
        }
        *super_users -= 1;
    }
    Ok(())
}
