//! Roles: no privilege escalation through role editing or assignment, deletion with moving
//! users, the built-in role, and isolation between Workspaces.

use roster_core::model::{RoleDeletion, RoleInput, UserDetails, UserUpdate};
use roster_core::{ErrorCode, Field, Permission, Session};

use crate::support::*;

use Permission::*;

fn role_input(name: &str, permissions: &[Permission], version: i64) -> RoleInput {
    RoleInput {
        name: name.into(),
        description: String::new(),
        permissions: permissions.to_vec(),
        expected_version: version,
    }
}

/// A user holding a new role with `permissions`, signed in.
async fn holder(w: &World, email: &str, permissions: &[Permission]) -> (UserDetails, Session) {
    let role = w.role(&format!("Role of {email}"), permissions).await;
    let mut input = w.new_user(email, "Hal", "Holder");
    input.role_ids = vec![role];
    let user = w.roster.create_user(&w.admin, input).await.expect("create");
    (user, w.sign_in(email).await)
}

fn with_roles(user: &UserDetails, role_ids: Vec<String>) -> UserUpdate {
    UserUpdate {
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        phone: user.phone.clone(),
        is_super_user: false,
        role_ids,
        expected_version: user.version,
    }
}

#[tokio::test]
async fn a_role_grants_only_what_its_author_holds() {
    let w = world().await;
    let (_, manager) = holder(&w, "mo@example.com", &[RolesManage, UsersView]).await;
    let wider = w
        .roster
        .create_role(
            &manager,
            role_input("Removers", &[UsersView, UsersRemove], 0),
        )
        .await
        .expect_err("escalation");
    assert_eq!(wider.code(), ErrorCode::Forbidden);
    assert!(wider.to_string().contains("users.remove"), "{wider}");
    w.roster
        .create_role(&manager, role_input("Viewers", &[UsersView], 0))
        .await
        .expect("within own permissions");
}

#[tokio::test]
async fn editing_your_own_role_cannot_widen_it() {
    let w = world().await;
    let (me, manager) = holder(&w, "mo@example.com", &[RolesManage, UsersView]).await;
    let own = w.roster.roles(&manager).await.expect("roles");
    let own = own
        .iter()
        .find(|r| me.role_ids.contains(&r.id))
        .expect("own role");
    let widened = role_input(
        &own.name,
        &[RolesManage, UsersView, SettingsManage],
        own.version,
    );
    assert_eq!(
        code(w.roster.update_role(&manager, &own.id, widened).await),
        ErrorCode::Forbidden
    );
    let narrowed = role_input(&own.name, &[RolesManage], own.version);
    let saved = w
        .roster
        .update_role(&manager, &own.id, narrowed)
        .await
        .expect("narrowing is allowed");
    assert_eq!(saved.permissions, [RolesManage]);
    // The change bites on the next call: without users.view the list shows only themselves.
    let page = w
        .roster
        .list_users(&manager, &list_query())
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn roles_more_powerful_than_you_cannot_be_edited_or_deleted() {
    let w = world().await;
    let (_, manager) = holder(&w, "mo@example.com", &[RolesManage]).await;
    let strong = w.role("Settings", &[SettingsManage]).await;
    assert_eq!(
        code(
            w.roster
                .update_role(
                    &manager,
                    &strong,
                    role_input("Renamed", &[SettingsManage], 1)
                )
                .await
        ),
        ErrorCode::Forbidden
    );
    let deletion = RoleDeletion {
        move_users_to: None,
        expected_version: 1,
    };
    assert_eq!(
        code(w.roster.delete_role(&manager, &strong, deletion).await),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn assignment_cannot_escalate() {
    let w = world().await;
    let (me, editor) = holder(&w, "ed@example.com", &[UsersView, UsersEdit, UsersCreate]).await;
    let removers = w.role("Removers", &[UsersRemove]).await;
    let viewers = w.role("Viewers", &[UsersView]).await;
    let member = w.add("kim@example.com", "Kim", "Lee").await;

    let mut input = w.new_user("new@example.com", "New", "User");
    input.role_ids = vec![removers.clone()];
    assert_eq!(
        code(w.roster.create_user(&editor, input).await),
        ErrorCode::Forbidden
    );

    let give = with_roles(&member, vec![w.member_role.clone(), removers.clone()]);
    assert_eq!(
        code(w.roster.update_user(&editor, &member.id, give).await),
        ErrorCode::Forbidden
    );
    let promote = w.with_role(&member, true);
    assert_eq!(
        code(w.roster.update_user(&editor, &member.id, promote).await),
        ErrorCode::Forbidden
    );
    let own = with_roles(&me, vec![viewers.clone()]);
    assert_eq!(
        code(w.roster.update_user(&editor, &me.id, own).await),
        ErrorCode::Forbidden,
        "nobody changes their own roles"
    );

    let fine = with_roles(&member, vec![w.member_role.clone(), viewers.clone()]);
    let saved = w
        .roster
        .update_user(&editor, &member.id, fine)
        .await
        .expect("a role within the editor's permissions");
    assert_eq!(saved.role, "Member, Viewers");
    assert_eq!(saved.permissions, [UsersView]);

    // A user holding a permission the editor lacks is out of reach, even for a phone edit.
    let strong = w.add("sol@example.com", "Sol", "Strong").await;
    let strong = w
        .roster
        .update_user(&w.admin, &strong.id, with_roles(&strong, vec![removers]))
        .await
        .expect("admin gives the role");
    let mut phone = with_roles(&strong, strong.role_ids.clone());
    phone.phone = "+44 1632 960001".into();
    assert_eq!(
        code(w.roster.update_user(&editor, &strong.id, phone).await),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn a_user_holds_super_user_or_at_least_one_role() {
    let w = world().await;
    let mut none = w.new_user("nora@example.com", "Nora", "None");
    none.role_ids.clear();
    let error = w
        .roster
        .create_user(&w.admin, none)
        .await
        .expect_err("no role");
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::Validation, Some(Field::Roles))
    );
    let mut both = w.new_user("bo@example.com", "Bo", "Both");
    both.is_super_user = true;
    let error = w
        .roster
        .create_user(&w.admin, both)
        .await
        .expect_err("both");
    assert_eq!(error.field(), Some(Field::Roles));
}

#[tokio::test]
async fn deleting_a_role_moves_its_users_or_is_refused() {
    let w = world().await;
    let clerks = w.role("Clerks", &[UsersView]).await;
    let mut ids = Vec::new();
    for email in ["a@example.com", "b@example.com"] {
        let mut input = w.new_user(email, "Cat", "Clerk");
        input.role_ids = vec![clerks.clone()];
        ids.push(
            w.roster
                .create_user(&w.admin, input)
                .await
                .expect("create")
                .id,
        );
    }
    let refused = w
        .roster
        .delete_role(
            &w.admin,
            &clerks,
            RoleDeletion {
                move_users_to: None,
                expected_version: 1,
            },
        )
        .await
        .expect_err("users hold it");
    assert_eq!(refused.field(), Some(Field::MoveUsersTo));
    assert!(refused.to_string().starts_with("2 users hold this role"));

    w.roster
        .delete_role(
            &w.admin,
            &clerks,
            RoleDeletion {
                move_users_to: Some(w.member_role.clone()),
                expected_version: 1,
            },
        )
        .await
        .expect("delete with move");
    for id in &ids {
        let user = w.roster.user(&w.admin, id).await.expect("user");
        assert_eq!(
            (user.role.as_str(), user.role_ids.clone()),
            ("Member", vec![w.member_role.clone()])
        );
    }
    let roles = w.roster.roles(&w.admin).await.expect("roles");
    assert!(roles.iter().all(|r| r.id != clerks));
    let member = roles.iter().find(|r| r.is_builtin).expect("built-in");
    assert_eq!(member.users, 2);
}

#[tokio::test]
async fn the_built_in_role_can_be_renamed_but_not_deleted_or_given_permissions() {
    let w = world().await;
    let renamed = w
        .roster
        .update_role(&w.admin, &w.member_role, role_input("Staff", &[], 1))
        .await
        .expect("rename");
    assert_eq!((renamed.name.as_str(), renamed.is_builtin), ("Staff", true));
    let error = w
        .roster
        .update_role(
            &w.admin,
            &w.member_role,
            role_input("Staff", &[UsersView], 2),
        )
        .await
        .expect_err("no permissions");
    assert_eq!(error.field(), Some(Field::Permissions));
    let deletion = RoleDeletion {
        move_users_to: None,
        expected_version: 2,
    };
    assert_eq!(
        code(
            w.roster
                .delete_role(&w.admin, &w.member_role, deletion)
                .await
        ),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn role_names_are_unique_ignoring_case_and_stale_edits_conflict() {
    let w = world().await;
    w.role("Auditors", &[]).await;
    let error = w
        .roster
        .create_role(&w.admin, role_input("  AUDITORS ", &[], 0))
        .await
        .expect_err("taken");
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::Validation, Some(Field::RoleName))
    );
    let spare = w.role("Spare", &[]).await;
    w.roster
        .update_role(&w.admin, &spare, role_input("Spare 2", &[], 1))
        .await
        .expect("first edit");
    assert_eq!(
        code(
            w.roster
                .update_role(&w.admin, &spare, role_input("Spare 3", &[], 1))
                .await
        ),
        ErrorCode::Conflict
    );
}

#[tokio::test]
async fn roles_of_another_workspace_cannot_be_given() {
    let w = world().await;
    let (globex, _) = w
        .roster
        .create_workspace(workspace_input(
            "Globex",
            "otto@globex.example",
            ADMIN_PASSWORD,
        ))
        .await
        .expect("second Workspace");
    let input = w.new_user("x@globex.example", "X", "Y");
    let error = w
        .roster
        .create_user(&globex, input)
        .await
        .expect_err("role of Acme");
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::Validation, Some(Field::Roles))
    );
}

#[tokio::test]
async fn a_role_held_only_by_removed_users_can_be_deleted_and_they_keep_a_role() {
    let w = world().await;
    let clerks = w.role("Clerks", &[UsersView]).await;
    let mut input = w.new_user("gone@example.com", "Gus", "Gone");
    input.role_ids = vec![clerks.clone()];
    let gone = w.roster.create_user(&w.admin, input).await.expect("create");
    w.roster
        .remove_user(&w.admin, &gone.id)
        .await
        .expect("remove");
    let listed = w.roster.roles(&w.admin).await.expect("roles");
    assert_eq!(
        listed.iter().find(|r| r.id == clerks).map(|r| r.users),
        Some(0)
    );
    w.roster
        .delete_role(
            &w.admin,
            &clerks,
            RoleDeletion {
                move_users_to: None,
                expected_version: 1,
            },
        )
        .await
        .expect("no current user holds it");
    let restored = w
        .roster
        .restore_user(&w.admin, &gone.id)
        .await
        .expect("restore");
    assert_eq!(restored.role_ids, std::slice::from_ref(&w.member_role));
}

#[tokio::test]
async fn removing_the_last_super_user_is_forbidden_before_it_is_the_last() {
    let w = world().await;
    let (_, remover) = holder(&w, "rem@example.com", &[UsersView, UsersRemove]).await;
    let admin_id = w.admin.user_id.clone();
    assert_eq!(
        code(w.roster.remove_user(&remover, &admin_id).await),
        ErrorCode::Forbidden,
        "the answer says nothing about how many super-users there are"
    );
}

#[tokio::test]
async fn no_role_can_pass_for_the_super_user_mark() {
    let w = world().await;
    for name in [
        "Super-user",
        " super-user ",
        "SUPER USER",
        "Superuser",
        "Ｓｕｐｅｒ－ｕｓｅｒ",
        "Super\u{2010}user",
        "Sup\u{0435}r-us\u{0435}r",
    ] {
        let error = w
            .roster
            .create_role(&w.admin, role_input(name, &[UsersView], 0))
            .await
            .expect_err(name);
        assert_eq!(
            (error.code(), error.field()),
            (ErrorCode::Validation, Some(Field::RoleName)),
            "{name:?}"
        );
    }
    let sales = w.role("Sales", &[UsersView]).await;
    let rename = w
        .roster
        .update_role(&w.admin, &sales, role_input("Super-User", &[UsersView], 1))
        .await;
    assert_eq!(code(rename), ErrorCode::Validation);
    w.roster
        .create_role(&w.admin, role_input("Super-user helpers", &[UsersView], 0))
        .await
        .expect("a name that only starts like it is fine");
}

#[tokio::test]
async fn look_alike_role_names_are_one_name() {
    let w = world().await;
    w.role("Sales EU", &[UsersView]).await;
    for twin in ["sales-eu", "Ｓａｌｅｓ ＥＵ", "S\u{0430}les EU"] {
        let error = w
            .roster
            .create_role(&w.admin, role_input(twin, &[UsersView], 0))
            .await
            .expect_err(twin);
        assert_eq!(error.field(), Some(Field::RoleName), "{twin:?}");
    }
}

#[tokio::test]
async fn a_role_named_super_user_by_an_older_version_is_renamed_on_open() {
    let w = world().await;
    let old = w.role("Sales", &[UsersView]).await;
    let (_, mia) = holder(&w, "mia@example.com", &[UsersView]).await;
    w.roster
        .update_user(
            &w.admin,
            &mia.user_id,
            with_roles(
                &w.roster.user(&w.admin, &mia.user_id).await.expect("mia"),
                vec![old.clone()],
            ),
        )
        .await
        .expect("give Sales");
    // As an older Roster wrote it, before the name was reserved.
    w.roster
        .backdoor()
        .set_role_name(&old, " SUPER-USER ")
        .await
        .expect("old name");
    w.role("Super-user role", &[]).await;

    let reopened = w.reopen().await;
    let roles = reopened.roles(&w.admin).await.expect("roles");
    let renamed = roles.iter().find(|r| r.id == old).expect("still there");
    assert_eq!(renamed.name, "Super-user role 2");
    let mia = reopened.user(&w.admin, &mia.user_id).await.expect("mia");
    assert_eq!(mia.role, "Super-user role 2");
    let again = w.reopen().await.roles(&w.admin).await.expect("roles");
    assert_eq!(
        again.iter().find(|r| r.id == old).map(|r| r.version),
        Some(renamed.version),
        "a second open changes nothing"
    );
}
