//! The authorization matrix (issue 4): every service operation the app's commands reach ×
//! {super-user, Member, a role per single permission, `users.view` plus each permission that
//! acts on another user, a removed user, a super-user of another Workspace} → allowed, or the
//! error the permission catalogue (DESIGN.md §1) calls for. Each cell runs on fresh rows. The
//! table of rules and actors is `catalogue.rs`, which the hub's matrix runs too.
//!
//! `every_command_is_in_the_matrix` reads the command list the app registers (src-tauri's
//! build.rs) and fails when a command is neither an operation here nor exempt with a reason.

use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;

use roster_core::import;
use roster_core::model::{
    EmailSettingsInput, ExportFormat, NewInvitation, NewUserStep, OwnPasswordChange, PasswordReset,
    ProfileUpdate, RoleDeletion, RoleInput, SmtpSecurity, UserDetails, UserQuery, UserUpdate,
};
use roster_core::model::{ImportAction, ImportColumn, ImportJoin, ImportOptions};
use roster_core::{ErrorCode, Permission, Secret, Session};

use crate::catalogue::{Op, Who, actors, expected};
use crate::support::*;

/// Commands that reach no rule of the matrix, and why.
const EXEMPT: [(&str, &str); 26] = [
    (
        "app_launch_state",
        "before sign-in: lists Workspace names only",
    ),
    (
        "workspace_create",
        "before sign-in: creates a new Workspace",
    ),
    ("session_sign_in", "before sign-in: tested in sign_in.rs"),
    ("session_sign_out", "forgets the shell's own session"),
    ("users_export_cancel", "sets the shell's cancel flag"),
    (
        "export_reveal",
        "opens the folder of this session's last download; needs a session (src-tauri commands/export.rs tests)",
    ),
    (
        "invitations_preview",
        "before sign-in: the code is the credential (invitations.rs)",
    ),
    (
        "invitations_accept",
        "before sign-in: the code is the credential (invitations.rs)",
    ),
    (
        "invitations_take_link",
        "hands over the shell's last roster:// link",
    ),
    (
        "hub_share",
        "an active super-user's own Workspace to a hub (roster-hub tests/hub/share.rs)",
    ),
    (
        "hub_join",
        "before sign-in: the hub checks the password (roster-hub tests/hub/share.rs)",
    ),
    (
        "hub_leave",
        "this computer's copy only; the hub is not asked (roster-hub tests/hub/share.rs)",
    ),
    (
        "hub_sign_in_again",
        "the hub checks the password of this copy's user (roster-hub tests/hub/sessions.rs)",
    ),
    ("sync_status", "this copy's own standing with its hub"),
    (
        "users_import_rows",
        "reads the preview this session made (src-tauri import.rs keeps one per session)",
    ),
    ("users_import_cancel", "sets the shell's cancel flag"),
    (
        "users_import_report",
        "writes the result of this session's own Apply (tests/core/import.rs)",
    ),
    ("users_import_close", "forgets the shell's own import"),
    ("sync_now", "wakes the shell's sync loop"),
    (
        "sync_changes_not_applied",
        "the user's own refused changes (roster-hub tests/hub/push.rs)",
    ),
    (
        "sync_change_retry",
        "made again as an ordinary change, checked like one (roster-hub tests/hub/push.rs)",
    ),
    (
        "sync_change_discard",
        "the user's own refused change leaves the list (roster-hub tests/hub/push.rs)",
    ),
    (
        "preferences_language_get",
        "the signed-in user's own choice on this computer, not a Workspace rule (src-tauri preferences.rs)",
    ),
    (
        "preferences_language_set",
        "the signed-in user's own choice on this computer, not a Workspace rule (src-tauri preferences.rs)",
    ),
    (
        "update_check",
        "before sign-in: asks Roster's update server, touches no Workspace (e2e updates.rs)",
    ),
    (
        "update_install",
        "installs only a release signed with Roster's key; touches no Workspace (e2e updates.rs)",
    ),
];

impl Op {
    /// Every operation, changing the own password last: it ends the sessions made before it,
    /// the one the other operations run on included.
    fn in_run_order() -> impl Iterator<Item = Op> {
        Op::ALL
            .into_iter()
            .filter(|op| *op != Op::ProfileChangePassword)
            .chain([Op::ProfileChangePassword])
    }

    fn command(self) -> &'static str {
        match self {
            Op::UsersList => "users_list",
            Op::UsersCount => "users_count",
            Op::UsersGet => "users_get",
            Op::UsersCheckNew => "users_check_new",
            Op::UsersCreate => "users_create",
            Op::UsersUpdate => "users_update",
            Op::UsersRemove => "users_remove",
            Op::UsersRestore => "users_restore",
            Op::UsersResetPassword => "users_reset_password",
            Op::PasswordGenerate => "password_generate",
            Op::ProfileUpdate => "profile_update",
            Op::ProfileChangePassword => "profile_change_password",
            Op::UsersExport => "users_export",
            Op::RolesList => "roles_list",
            Op::RolesCreate => "roles_create",
            Op::RolesUpdate => "roles_update",
            Op::RolesDelete => "roles_delete",
            Op::ReportsSeats => "reports_seats",
            Op::UsersActivity => "users_activity",
            Op::InvitationsReady => "invitations_ready",
            Op::UsersInvite => "users_invite",
            Op::InvitationsResend => "invitations_resend",
            Op::InvitationsRevoke => "invitations_revoke",
            Op::SettingsEmailGet => "settings_email_get",
            Op::SettingsEmailSave => "settings_email_save",
            Op::SettingsEmailTest => "settings_email_test",
            Op::UsersImportOpen => "users_import_open",
            Op::UsersImportPreview => "users_import_preview",
            Op::UsersImportApply => "users_import_apply",
        }
    }
}

/// Workspace A with its admin, the actor (in A, or a super-user of Workspace B), and the
/// actor's own row.
struct Cell {
    w: World,
    actor: Session,
    me: UserDetails,
    /// The built-in role of the actor's own Workspace.
    own_member_role: String,
    _downloads: tempfile::TempDir,
}

async fn cell(who: &Who) -> Cell {
    let w = world().await;
    let (actor, me) = match who {
        Who::SuperUser => {
            let (me, session) = w.super_user().await;
            (session, me)
        }
        Who::Member | Who::Removed => {
            let (me, session) = w.member("mia@example.com").await;
            if matches!(who, Who::Removed) {
                w.roster
                    .remove_user(&w.admin, &me.id)
                    .await
                    .expect("remove");
            }
            (session, me)
        }
        Who::Holding(permissions) => {
            let role = w.role("Tested", permissions).await;
            let mut input = w.new_user("rhea@example.com", "Rhea", "Role");
            input.role_ids = vec![role];
            let me = w.roster.create_user(&w.admin, input).await.expect("create");
            (w.sign_in("rhea@example.com").await, me)
        }
        Who::OtherWorkspace => {
            let (session, _) = w
                .roster
                .create_workspace(workspace_input(
                    "Globex",
                    "otto@globex.example",
                    ADMIN_PASSWORD,
                ))
                .await
                .expect("second Workspace");
            let me = w.roster.user(&session, &session.user_id).await.expect("me");
            (session, me)
        }
    };
    w.roster
        .save_email_settings(&w.admin, closed_port_settings())
        .await
        .expect("email settings of Acme");
    if actor.workspace_id != w.admin.workspace_id {
        w.roster
            .save_email_settings(&actor, closed_port_settings())
            .await
            .expect("email settings of Globex");
    }
    let own_member_role = if actor.workspace_id == w.admin.workspace_id {
        w.member_role.clone()
    } else {
        let roles = w.roster.roles(&actor).await.expect("roles");
        roles
            .into_iter()
            .find(|r| r.is_builtin)
            .expect("built-in")
            .id
    };
    Cell {
        w,
        actor,
        me,
        own_member_role,
        _downloads: tempfile::tempdir().expect("temp dir"),
    }
}

/// Email settings pointing at a local port where nothing listens: invitations queue, and a
/// test email fails fast with MAIL (which still means the operation was allowed).
fn closed_port_settings() -> EmailSettingsInput {
    EmailSettingsInput {
        host: "127.0.0.1".into(),
        port: 9,
        security: SmtpSecurity::None,
        username: String::new(),
        password: None,
        sender_name: "Acme".into(),
        sender_address: "team@example.com".into(),
        invitation_days: 7,
        timeout_seconds: 2,
        expected_version: 0,
    }
}

fn all_users() -> UserQuery {
    UserQuery {
        search: String::new(),
        filter: roster_core::model::StatusFilter::All,
        sort: roster_core::model::UserSort::Name,
        direction: roster_core::model::SortDirection::Asc,
        after: None,
        limit: 100,
    }
}

/// Runs `op` as the cell's actor on fresh rows of Workspace A; `Ok` when it was allowed.
/// Operations that read lists also check that they show exactly what the actor may see.
async fn run(c: &Cell, who: &Who, op: Op, n: usize) -> roster_core::Result<()> {
    let w = &c.w;
    let s = &c.actor;
    let in_a = s.workspace_id == w.admin.workspace_id;
    let sees_others = in_a
        && match who {
            Who::SuperUser => true,
            Who::Holding(permissions) => permissions.contains(&Permission::UsersView),
            _ => false,
        };
    let target = w.add(&format!("t{n}@example.com"), "Tess", "Target").await;
    let role_id = w.role(&format!("Spare {n}"), &[]).await;
    let password = Secret::new("Quartz-Harbor-Maple-93");
    match op {
        Op::UsersList => {
            let page = w.roster.list_users(s, &all_users()).await?;
            let ids: Vec<&str> = page.items.iter().map(|u| u.id.as_str()).collect();
            if sees_others {
                assert!(ids.contains(&target.id.as_str()), "{who:?} sees everyone");
            } else {
                assert_eq!(ids, [c.me.id.as_str()], "{who:?} sees only themselves");
            }
            Ok(())
        }
        Op::UsersCount => {
            let counted = w.roster.count_users(s, &all_users()).await?;
            if sees_others {
                assert!(counted > 1, "{who:?} counts everyone");
            } else {
                assert_eq!(counted, 1, "{who:?} counts only themselves");
            }
            Ok(())
        }
        Op::UsersGet => w.roster.user(s, &target.id).await.map(drop),
        Op::UsersCheckNew => {
            let mut input = w.new_user(&format!("new{n}@example.com"), "New", "User");
            input.role_ids = vec![c.own_member_role.clone()];
            w.roster
                .check_new_user(s, &input, NewUserStep::Confirm)
                .await
        }
        Op::UsersCreate => {
            let mut input = w.new_user(&format!("new{n}@example.com"), "New", "User");
            input.role_ids = vec![c.own_member_role.clone()];
            w.roster.create_user(s, input).await.map(drop)
        }
        Op::UsersUpdate => {
            let mut update: UserUpdate = w.with_role(&target, false);
            update.phone = "+44 1632 960001".into();
            w.roster.update_user(s, &target.id, update).await.map(drop)
        }
        Op::UsersRemove => w.roster.remove_user(s, &target.id).await.map(drop),
        Op::UsersRestore => {
            w.roster
                .remove_user(&w.admin, &target.id)
                .await
                .expect("admin removes");
            w.roster.restore_user(s, &target.id).await.map(drop)
        }
        Op::UsersResetPassword => {
            let reset = PasswordReset {
                new_password: password.clone(),
                confirm_password: password,
                must_change_password: true,
            };
            w.roster.reset_password(s, &target.id, reset).await
        }
        Op::PasswordGenerate => w.roster.generate_password(s).await.map(drop),
        Op::ProfileUpdate => {
            let me = w.roster.user(&w.admin, &c.me.id).await;
            let version = me.map_or(c.me.version, |m| m.version);
            let update = ProfileUpdate {
                first_name: "Renamed".into(),
                last_name: String::new(),
                phone: String::new(),
                expected_version: version,
            };
            w.roster.update_profile(s, update).await.map(drop)
        }
        Op::ProfileChangePassword => {
            let current = if in_a { USER_PASSWORD } else { ADMIN_PASSWORD };
            let change = OwnPasswordChange {
                current_password: Secret::new(current),
                new_password: password.clone(),
                confirm_password: password,
            };
            w.roster.change_own_password(s, change).await.map(drop)
        }
        Op::UsersExport => {
            let today = chrono::Utc::now().date_naive();
            let name = w
                .roster
                .export_file_name(s, ExportFormat::Csv, today)
                .await?;
            assert!(name.contains("-users-") && name.ends_with(".csv"), "{name}");
            let path = c._downloads.path().join(format!("users-{n}.csv"));
            let outcome = w
                .roster
                .export_users(
                    s,
                    ExportFormat::Csv,
                    &all_users(),
                    &path,
                    &mut |_| {},
                    &AtomicBool::new(false),
                )
                .await?;
            let text = std::fs::read_to_string(&path).expect("file");
            assert_eq!(
                text.contains(&target.email),
                sees_others,
                "{who:?} downloads exactly the users they may see"
            );
            assert!(text.contains(&c.me.email) && outcome.rows >= 1);
            Ok(())
        }
        Op::RolesList => {
            let roles = w.roster.roles(s).await?;
            assert_eq!(
                roles.iter().any(|r| r.id == role_id),
                in_a,
                "roles of another Workspace stay hidden"
            );
            Ok(())
        }
        Op::RolesCreate => {
            let input = RoleInput {
                name: format!("Made {n}"),
                description: String::new(),
                permissions: Vec::new(),
                expected_version: 0,
            };
            w.roster.create_role(s, input).await.map(drop)
        }
        Op::RolesUpdate => {
            let input = RoleInput {
                name: format!("Renamed {n}"),
                description: "Changed".into(),
                permissions: Vec::new(),
                expected_version: 1,
            };
            w.roster.update_role(s, &role_id, input).await.map(drop)
        }
        Op::RolesDelete => {
            let input = RoleDeletion {
                move_users_to: None,
                expected_version: 1,
            };
            w.roster.delete_role(s, &role_id, input).await
        }
        Op::ReportsSeats => {
            let report = w.roster.seat_report(s).await?;
            assert_eq!(
                report.seats >= 3,
                in_a,
                "seats count only the actor's Workspace"
            );
            Ok(())
        }
        Op::UsersActivity => w.roster.user_activity(s, &target.id).await.map(drop),
        Op::InvitationsReady => {
            assert!(w.roster.invitations_ready(s).await?, "email is set up");
            Ok(())
        }
        Op::UsersInvite => {
            let input = NewInvitation {
                email: format!("inv{n}@example.com"),
                first_name: "Ivy".into(),
                last_name: String::new(),
                phone: String::new(),
                is_super_user: false,
                role_ids: vec![c.own_member_role.clone()],
            };
            let invited = w.roster.invite_user(s, input).await?;
            assert_eq!(invited.status, roster_core::model::Status::Invited);
            Ok(())
        }
        Op::InvitationsResend | Op::InvitationsRevoke => {
            let input = NewInvitation {
                email: format!("inv{n}@example.com"),
                first_name: "Ivy".into(),
                last_name: String::new(),
                phone: String::new(),
                is_super_user: false,
                role_ids: vec![w.member_role.clone()],
            };
            let invited = w.roster.invite_user(&w.admin, input).await.expect("invite");
            if op == Op::InvitationsResend {
                w.roster.resend_invitation(s, &invited.id).await.map(drop)
            } else {
                w.roster.revoke_invitation(s, &invited.id).await.map(drop)
            }
        }
        Op::SettingsEmailGet => w.roster.email_settings(s).await.map(drop),
        Op::SettingsEmailSave => {
            let input = EmailSettingsInput {
                expected_version: 1,
                ..closed_port_settings()
            };
            w.roster.save_email_settings(s, input).await.map(drop)
        }
        Op::SettingsEmailTest => match w.roster.send_test_email(s, "a@example.com").await {
            Err(roster_core::Error::Mail { .. }) => Ok(()),
            other => other,
        },
        Op::UsersImportOpen => w.roster.check_import(s).await,
        Op::UsersImportPreview | Op::UsersImportApply => {
            let csv = format!(
                "Email,First name\nimp{n}@example.com,Ida\n{},Tess\n",
                target.email
            );
            let sheet = import::read_bytes(csv.as_bytes(), "csv").expect("read");
            let options = ImportOptions {
                mapping: vec![Some(ImportColumn::Email), Some(ImportColumn::FirstName)],
                join: ImportJoin::Invitation,
                is_super_user: false,
                role_ids: vec![c.own_member_role.clone()],
                update_existing: true,
                must_change_password: true,
            };
            let plan = w.roster.import_preview(s, &sheet, &options).await?;
            let about_target = plan.rows(None, 1, 1).rows[0].action;
            let seen = if in_a {
                ImportAction::NoChange
            } else {
                ImportAction::Add
            };
            assert_eq!(
                about_target, seen,
                "{who:?} compares with their own Workspace only"
            );
            if op == Op::UsersImportApply {
                w.roster
                    .import_apply(s, &plan, None, &mut |_| {}, &AtomicBool::new(false))
                    .await?;
            }
            Ok(())
        }
    }
}

#[tokio::test]
async fn every_operation_for_every_kind_of_actor() {
    let mut failures = Vec::new();
    for who in actors() {
        let c = cell(&who).await;
        for (n, op) in Op::in_run_order().enumerate() {
            let outcome = run(&c, &who, op, n).await.err().map(|e| e.code());
            let want = expected(op, &who);
            if outcome != want {
                failures.push(format!("{op:?} as {who:?}: got {outcome:?}, want {want:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_command_is_in_the_matrix() {
    let build = include_str!("../../../../build.rs");
    let list = build
        .split_once("const COMMANDS: &[&str] = &[")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map(|(list, _)| list)
        .expect("COMMANDS in src-tauri/build.rs");
    let commands: BTreeSet<&str> = list.split('"').skip(1).step_by(2).collect();
    let covered: BTreeSet<&str> = Op::ALL
        .iter()
        .map(|op| op.command())
        .chain(EXEMPT.iter().map(|(command, _)| *command))
        .collect();
    assert_eq!(
        commands, covered,
        "every command the app registers is an operation of the matrix or exempt with a reason"
    );
}

/// Issue 9: a user who must choose a new password can do nothing else first — every
/// operation of the matrix (so every registered command but the exempt ones, which need no
/// session or touch only the shell's own state) answers PASSWORD_CHANGE_REQUIRED, except
/// changing their own password.
#[tokio::test]
async fn a_required_password_change_comes_before_every_command() {
    let mut c = cell(&Who::SuperUser).await;
    let first = Secret::new("Ember-Lattice-Canyon-58");
    c.w.roster
        .reset_password(
            &c.w.admin,
            &c.me.id,
            PasswordReset {
                new_password: first.clone(),
                confirm_password: first,
                must_change_password: true,
            },
        )
        .await
        .expect("reset with a required change");
    c.actor =
        c.w.sign_in_with("sara@example.com", "Ember-Lattice-Canyon-58")
            .await;
    let mut failures = Vec::new();
    for (n, op) in Op::in_run_order().enumerate() {
        let outcome = run(&c, &Who::SuperUser, op, n)
            .await
            .err()
            .map(|e| e.code());
        let want = (op != Op::ProfileChangePassword).then_some(ErrorCode::PasswordChangeRequired);
        if outcome != want {
            failures.push(format!("{op:?}: got {outcome:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
