//! Every field error names its own field (issue 9, item 15: an empty Sender name said "Enter a
//! first name"). Each service that checks input is given a bad value for each field it owns;
//! the error must point at that field and its message must use that field's words
//! ([`roster_core::validation::label`], the words of the label in the UI).

use roster_core::model::{
    EmailSettingsInput, NewUserStep, OwnPasswordChange, PasswordReset, RoleDeletion, RoleInput,
    SignInInput, SmtpSecurity,
};
use roster_core::validation::label;
use roster_core::{Error, Field, Permission, Roster, Secret};

use crate::database::TestDatabase;
use crate::mailserver::settings_for;
use crate::support::*;

/// Asserts that `result` failed on `field` with a message that names it.
#[track_caller]
fn names<T: std::fmt::Debug>(result: roster_core::Result<T>, field: Field, tried: &str) {
    let error: Error = result.expect_err(tried);
    assert_eq!(error.field(), Some(field), "{tried}: {error}");
    let message = error.to_string().to_lowercase();
    let words = label(field).to_lowercase();
    assert!(
        message.contains(&words),
        "{tried}: the message under {field:?} does not say {words:?}: {message:?}"
    );
}

fn valid_settings() -> EmailSettingsInput {
    settings_for(587, "smtp.example.com", SmtpSecurity::Starttls)
}

#[tokio::test]
async fn every_settings_field_names_itself() {
    let w = world().await;
    let cases: Vec<(&str, Field, EmailSettingsInput)> = vec![
        (
            "empty host",
            Field::SmtpHost,
            EmailSettingsInput {
                host: " ".into(),
                ..valid_settings()
            },
        ),
        (
            "host with a space",
            Field::SmtpHost,
            EmailSettingsInput {
                host: "smtp example.com".into(),
                ..valid_settings()
            },
        ),
        (
            "port 0",
            Field::SmtpPort,
            EmailSettingsInput {
                port: 0,
                ..valid_settings()
            },
        ),
        (
            "no encryption to another computer",
            Field::SmtpSecurity,
            EmailSettingsInput {
                security: SmtpSecurity::None,
                ..valid_settings()
            },
        ),
        (
            "username on two lines",
            Field::SmtpUsername,
            EmailSettingsInput {
                username: "mailer\nroot".into(),
                ..valid_settings()
            },
        ),
        (
            "a password without a username",
            Field::SmtpUsername,
            EmailSettingsInput {
                username: String::new(),
                password: Some(serde_json::from_value(serde_json::json!("Smtp-9")).expect("typed")),
                ..valid_settings()
            },
        ),
        (
            "empty sender name",
            Field::SenderName,
            EmailSettingsInput {
                sender_name: String::new(),
                ..valid_settings()
            },
        ),
        (
            "sender name with a tab",
            Field::SenderName,
            EmailSettingsInput {
                sender_name: "Acme\tPeople".into(),
                ..valid_settings()
            },
        ),
        (
            "empty sender address",
            Field::SenderAddress,
            EmailSettingsInput {
                sender_address: String::new(),
                ..valid_settings()
            },
        ),
        (
            "sender address without a domain",
            Field::SenderAddress,
            EmailSettingsInput {
                sender_address: "team".into(),
                ..valid_settings()
            },
        ),
        (
            "quoted sender address",
            Field::SenderAddress,
            EmailSettingsInput {
                sender_address: "\"people team\"@acme.example".into(),
                ..valid_settings()
            },
        ),
        (
            "0 days",
            Field::InvitationDays,
            EmailSettingsInput {
                invitation_days: 0,
                ..valid_settings()
            },
        ),
        (
            "91 days",
            Field::InvitationDays,
            EmailSettingsInput {
                invitation_days: 91,
                ..valid_settings()
            },
        ),
        (
            "0 s",
            Field::TimeoutSeconds,
            EmailSettingsInput {
                timeout_seconds: 0,
                ..valid_settings()
            },
        ),
        (
            "301 s",
            Field::TimeoutSeconds,
            EmailSettingsInput {
                timeout_seconds: 301,
                ..valid_settings()
            },
        ),
    ];
    for (tried, field, input) in cases {
        names(
            w.roster.save_email_settings(&w.admin, input).await,
            field,
            tried,
        );
    }
    let sender = w
        .roster
        .save_email_settings(
            &w.admin,
            EmailSettingsInput {
                sender_name: String::new(),
                ..valid_settings()
            },
        )
        .await
        .expect_err("empty sender name");
    assert_eq!(sender.to_string(), "Enter a sender name");
}

#[tokio::test]
async fn every_add_user_and_password_field_names_itself() {
    let w = world().await;
    w.add("bruno@example.com", "Bruno", "Costa").await;
    let step = |input: roster_core::model::NewUser, step: NewUserStep| {
        let roster = w.roster.clone();
        let admin = w.admin.clone();
        async move { roster.check_new_user(&admin, &input, step).await }
    };
    let good = || w.new_user("carla@example.com", "Carla", "Ops");
    for (tried, email) in [
        ("empty email", ""),
        ("email without a domain", "carla"),
        ("quoted email", "\"bo silva\"@example.com"),
        ("email taken", "BRUNO@example.com"),
    ] {
        let input = roster_core::model::NewUser {
            email: email.into(),
            ..good()
        };
        names(step(input, NewUserStep::Email).await, Field::Email, tried);
    }
    for (tried, field, input) in [
        (
            "empty first name",
            Field::FirstName,
            roster_core::model::NewUser {
                first_name: " ".into(),
                ..good()
            },
        ),
        (
            "last name on two lines",
            Field::LastName,
            roster_core::model::NewUser {
                last_name: "Ops\nAdmin".into(),
                ..good()
            },
        ),
        (
            "phone in words",
            Field::Phone,
            roster_core::model::NewUser {
                phone: "call me".into(),
                ..good()
            },
        ),
    ] {
        names(step(input, NewUserStep::Names).await, field, tried);
    }
    for (tried, field, password, confirm) in [
        ("empty password", Field::Password, "", ""),
        ("short password", Field::Password, "short-1A!", "short-1A!"),
        (
            "easy password",
            Field::Password,
            "password1234",
            "password1234",
        ),
        (
            "passwords that differ",
            Field::ConfirmPassword,
            "Willow-Ember-Sextant-29",
            "Willow-Ember-Sextant-92",
        ),
    ] {
        let input = roster_core::model::NewUser {
            password: Secret::new(password),
            confirm_password: Secret::new(confirm),
            ..good()
        };
        names(step(input, NewUserStep::Password).await, field, tried);
    }
    let no_role = roster_core::model::NewUser {
        role_ids: Vec::new(),
        ..good()
    };
    names(
        step(no_role, NewUserStep::Role).await,
        Field::Roles,
        "no role",
    );

    let bruno = w.sign_in("bruno@example.com").await;
    let weak = PasswordReset {
        new_password: Secret::new("short"),
        confirm_password: Secret::new("short"),
        must_change_password: false,
    };
    let bruno_id = bruno.user_id.clone();
    names(
        w.roster.reset_password(&w.admin, &bruno_id, weak).await,
        Field::NewPassword,
        "weak reset",
    );
    let wrong_current = OwnPasswordChange {
        current_password: Secret::new("Not-The-Password-11"),
        new_password: Secret::new("Willow-Ember-Sextant-29"),
        confirm_password: Secret::new("Willow-Ember-Sextant-29"),
    };
    names(
        w.roster.change_own_password(&bruno, wrong_current).await,
        Field::CurrentPassword,
        "wrong current password",
    );
    let same = OwnPasswordChange {
        current_password: Secret::new(USER_PASSWORD),
        new_password: Secret::new(USER_PASSWORD),
        confirm_password: Secret::new(USER_PASSWORD),
    };
    names(
        w.roster.change_own_password(&bruno, same).await,
        Field::NewPassword,
        "the same password again",
    );
}

#[tokio::test]
async fn every_role_workspace_sign_in_and_invitation_field_names_itself() {
    let w = world().await;
    let role = |name: &str, description: &str, permissions: Vec<Permission>| RoleInput {
        name: name.into(),
        description: description.into(),
        permissions,
        expected_version: 0,
    };
    names(
        w.roster
            .create_role(&w.admin, role(" ", "", Vec::new()))
            .await,
        Field::RoleName,
        "empty role name",
    );
    names(
        w.roster
            .create_role(&w.admin, role("Auditors", "line one\nline two", Vec::new()))
            .await,
        Field::RoleDescription,
        "description on two lines",
    );
    names(
        w.roster
            .create_role(&w.admin, role("Auditors", &"d".repeat(1_000), Vec::new()))
            .await,
        Field::RoleDescription,
        "long description",
    );
    let builtin = w
        .roster
        .roles(&w.admin)
        .await
        .expect("roles")
        .into_iter()
        .find(|r| r.is_builtin)
        .expect("built-in role");
    names(
        w.roster
            .update_role(
                &w.admin,
                &builtin.id,
                RoleInput {
                    expected_version: builtin.version,
                    ..role(&builtin.name, "", vec![Permission::UsersView])
                },
            )
            .await,
        Field::Permissions,
        "permissions of the built-in role",
    );
    let auditors = w.role("Auditors", &[Permission::ReportsView]).await;
    let mut input = w.new_user("ines@example.com", "Inês", "Sousa");
    input.role_ids = vec![auditors.clone()];
    w.roster.create_user(&w.admin, input).await.expect("holder");
    let version = |id: &str| {
        let roster = w.roster.clone();
        let admin = w.admin.clone();
        let id = id.to_owned();
        async move {
            roster
                .roles(&admin)
                .await
                .expect("roles")
                .into_iter()
                .find(|r| r.id == id)
                .expect("role")
                .version
        }
    };
    for (tried, move_to) in [
        ("no role to move the users to", None),
        ("the role itself", Some(auditors.clone())),
        ("a role that is gone", Some("no-such-role".to_owned())),
    ] {
        let deletion = RoleDeletion {
            move_users_to: move_to,
            expected_version: version(&auditors).await,
        };
        names(
            w.roster.delete_role(&w.admin, &auditors, deletion).await,
            Field::MoveUsersTo,
            tried,
        );
    }

    let db = TestDatabase::fresh().await;
    let fresh = Roster::connect(db.url()).await.expect("open");
    names(
        fresh
            .create_first_workspace(workspace_input(" ", ADMIN_EMAIL, ADMIN_PASSWORD))
            .await,
        Field::WorkspaceName,
        "empty Workspace name",
    );
    let elsewhere = SignInInput {
        workspace_id: Some("no-such-workspace".into()),
        email: ADMIN_EMAIL.into(),
        password: Secret::new(ADMIN_PASSWORD),
    };
    names(
        w.roster.sign_in(elsewhere).await,
        Field::Workspace,
        "unknown Workspace",
    );
    names(
        w.roster.invitation_preview("not-a-code").await,
        Field::InvitationCode,
        "unknown invitation code",
    );
}
