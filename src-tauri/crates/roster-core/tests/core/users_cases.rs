//! The cases of shared/cases/users.md, U1–U9, against the real store.

use roster_core::model::{NewUserStep, OwnPasswordChange, PasswordReset, ProfileUpdate};
use roster_core::{ErrorCode, Field, Hashing, Secret};

use crate::support::*;

#[tokio::test]
async fn u1_email_differing_only_in_case_is_taken() {
    let w = world().await;
    let input = w.new_user("Ana.Silva@Example.COM", "Ana", "Two");
    let step = w
        .roster
        .check_new_user(&w.admin, &input, NewUserStep::Email)
        .await
        .expect_err("taken");
    assert_eq!(
        (step.code(), step.field()),
        (ErrorCode::EmailTaken, Some(Field::Email))
    );
    assert_eq!(
        step.to_string(),
        "This email address is already in use in this Workspace"
    );
    let create = w
        .roster
        .create_user(&w.admin, input)
        .await
        .expect_err("taken");
    assert_eq!(create.code(), ErrorCode::EmailTaken);
}

#[tokio::test]
async fn u1_a_missing_required_value_is_not_email_taken() {
    let w = world().await;
    let error = w
        .roster
        .create_user(&w.admin, w.new_user("Ana.Silva@Example.COM", "  ", "Two"))
        .await
        .expect_err("refused");
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::Validation, Some(Field::FirstName))
    );
}

#[tokio::test]
async fn u1_non_ascii_case_is_folded_too() {
    let w = world().await;
    w.add("Élodie@Example.fr", "Élodie", "Roux").await;
    let error = w
        .roster
        .create_user(&w.admin, w.new_user("élodie@example.fr", "É", "R"))
        .await;
    assert_eq!(code(error), ErrorCode::EmailTaken);
}

#[tokio::test]
async fn u2_whitespace_around_the_email_is_trimmed() {
    let w = world().await;
    let user = w.add("  bruno@example.org  ", "Bruno", "Costa").await;
    assert_eq!(user.email, "bruno@example.org");
    w.roster
        .sign_in(sign_in_input("bruno@example.org", USER_PASSWORD))
        .await
        .expect("sign in with the trimmed form");
    for variant in [
        "\tbruno@example.org",
        "bruno@example.org\u{00A0}",
        "BRUNO@example.org",
    ] {
        let error = w
            .roster
            .create_user(&w.admin, w.new_user(variant, "B", "C"))
            .await;
        assert_eq!(code(error), ErrorCode::EmailTaken, "{variant:?}");
    }
    let other = w.add("\tcarla@example.org\u{00A0}", "Carla", "Dias").await;
    assert_eq!(other.email, "carla@example.org");
}

#[tokio::test]
async fn u3_one_normalisation_on_create_reset_change_and_sign_in() {
    let composed = "Caf\u{00E9}-Stra\u{00DF}e-2031";
    let decomposed = "Cafe\u{0301}-Stra\u{00DF}e-2031";
    let w = world().await;
    let mut input = w.new_user("chloe@example.com", "Chloé", "Martin");
    input.password = Secret::new(composed);
    input.confirm_password = Secret::new(decomposed);
    let user = w
        .roster
        .create_user(&w.admin, input)
        .await
        .expect("create: forms are equal");
    let (session, _) = w
        .roster
        .sign_in(sign_in_input("chloe@example.com", decomposed))
        .await
        .expect("sign in");

    let reset = PasswordReset {
        new_password: Secret::new("Ma\u{00F1}ana-Lluvia-2031"),
        confirm_password: Secret::new("Man\u{0303}ana-Lluvia-2031"),
        must_change_password: false,
    };
    w.roster
        .reset_password(&w.admin, &user.id, reset)
        .await
        .expect("reset");
    // The reset ended the session from before it.
    assert_eq!(
        code(w.roster.session_info(&session).await),
        ErrorCode::Unauthenticated
    );
    let (session, _) = w
        .roster
        .sign_in(sign_in_input(
            "chloe@example.com",
            "Man\u{0303}ana-Lluvia-2031",
        ))
        .await
        .expect("sign in after reset");

    let change = OwnPasswordChange {
        current_password: Secret::new("Man\u{0303}ana-Lluvia-2031"),
        new_password: Secret::new(decomposed),
        confirm_password: Secret::new(composed),
    };
    w.roster
        .change_own_password(&session, change)
        .await
        .expect("own change");
    w.roster
        .sign_in(sign_in_input("chloe@example.com", composed))
        .await
        .expect("sign in");
}

#[tokio::test]
async fn u4_hash_with_other_parameters_verifies_and_is_upgraded() {
    let w = world().await;
    let old = w
        .roster
        .with_hashing(Hashing::with_params(19_456, 2, 1, 48).expect("params"));
    let user = old
        .create_user(&w.admin, w.new_user("olga@example.com", "Olga", "Berg"))
        .await
        .expect("create");
    let before = w.password_hash(&user.id).await.expect("hash");
    assert_eq!(output_len(&before), 48);

    w.roster
        .sign_in(sign_in_input("olga@example.com", USER_PASSWORD))
        .await
        .expect("sign in");
    let after = w.password_hash(&user.id).await.expect("hash");
    assert_ne!(before, after);
    assert_eq!(output_len(&after), 32);
    assert!(after.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    w.roster
        .sign_in(sign_in_input("olga@example.com", USER_PASSWORD))
        .await
        .expect("again");
}

fn output_len(phc: &str) -> usize {
    use base64::Engine;
    let hash = phc.rsplit('$').next().expect("hash part");
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(hash)
        .expect("b64")
        .len()
}

#[tokio::test]
async fn u4_a_broken_hash_is_an_error_never_wrong_password() {
    let w = world().await;
    let user = w.add("pia@example.com", "Pia", "Lund").await;
    w.roster
        .backdoor()
        .set_password_hash(
            &user.id,
            "$argon2id$v=19$m=999999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
        )
        .await
        .expect("corrupt");
    let error = w
        .roster
        .sign_in(sign_in_input("pia@example.com", USER_PASSWORD))
        .await;
    assert_eq!(code(error), ErrorCode::Internal);
}

#[tokio::test]
async fn u5_long_passwords_are_not_truncated() {
    let w = world().await;
    let base = "correct-horse-battery-staple-".repeat(3);
    let prefix = &base[..72];
    let mut input = w.new_user("lena@example.com", "Lena", "Voss");
    input.password = Secret::new(&format!("{prefix}X"));
    input.confirm_password = input.password.clone();
    w.roster.create_user(&w.admin, input).await.expect("create");
    let wrong = w
        .roster
        .sign_in(sign_in_input("lena@example.com", &format!("{prefix}Y")))
        .await;
    assert_eq!(code(wrong), ErrorCode::InvalidCredentials);
    w.roster
        .sign_in(sign_in_input("lena@example.com", &format!("{prefix}X")))
        .await
        .expect("right one");

    let mut too_long = w.new_user("max@example.com", "Max", "Weber");
    too_long.password = Secret::new(&"Zebra-Quartz-91-".repeat(9));
    too_long.confirm_password = too_long.password.clone();
    let error = w
        .roster
        .create_user(&w.admin, too_long)
        .await
        .expect_err("too long");
    assert_eq!(
        (error.code(), error.field()),
        (ErrorCode::WeakPassword, Some(Field::Password))
    );
    assert!(
        error.to_string().contains("at most 128 characters"),
        "{error}"
    );
}

#[tokio::test]
async fn u6_reset_with_a_mismatched_or_empty_confirmation_is_refused_by_the_core() {
    let w = world().await;
    let user = w.add("rui@example.com", "Rui", "Lopes").await;
    let before = w.password_hash(&user.id).await;
    for confirm in ["N3w-Pass!2032", ""] {
        let reset = PasswordReset {
            new_password: Secret::new("N3w-Pass!2031"),
            confirm_password: Secret::new(confirm),
            must_change_password: false,
        };
        let error = w
            .roster
            .reset_password(&w.admin, &user.id, reset)
            .await
            .expect_err("refused");
        assert_eq!(
            (error.code(), error.field()),
            (ErrorCode::Validation, Some(Field::ConfirmPassword))
        );
        assert_eq!(w.password_hash(&user.id).await, before);
    }
}

#[tokio::test]
async fn u7_generated_passwords_are_accepted_and_never_logged() {
    let w = world().await;
    let logs = crate::audit::capture_logs();
    let mut generated = Vec::new();
    for i in 0..20 {
        let password = w
            .roster
            .generate_password(&w.admin)
            .await
            .expect("generate");
        let mut input = w.new_user(&format!("gen{i}@example.com"), "Gen", "Erated");
        input.password = password.clone();
        input.confirm_password = password.clone();
        input.must_change_password = true;
        w.roster
            .create_user(&w.admin, input)
            .await
            .expect("generated passwords pass the policy");
        generated.push(password.expose().to_owned());
    }
    let text = logs.text();
    let stored: Vec<String> = w
        .audit()
        .await
        .iter()
        .map(|e| format!("{:?}{}", e.fields, e.details))
        .collect();
    for password in &generated {
        assert!(!text.contains(password.as_str()));
        assert!(stored.iter().all(|f| !f.contains(password.as_str())));
    }
}

#[tokio::test]
async fn u8_the_only_super_user_cannot_demote_or_remove_themselves() {
    let w = world().await;
    let me = w.roster.user(&w.admin, &w.admin.user_id).await.expect("me");
    let demote = w.with_role(&me, false);
    assert_eq!(
        code(w.roster.update_user(&w.admin, &me.id, demote).await),
        ErrorCode::LastSuperUser
    );
    assert_eq!(
        code(w.roster.remove_user(&w.admin, &me.id).await),
        ErrorCode::LastSuperUser
    );
    let after = w.roster.user(&w.admin, &me.id).await.expect("me");
    assert_eq!(
        (after.version, after.is_super_user, after.status),
        (me.version, true, me.status)
    );
}

#[tokio::test]
async fn u8_nobody_removes_themselves_even_with_another_super_user() {
    let w = world().await;
    w.super_user().await;
    let error = w.roster.remove_user(&w.admin, &w.admin.user_id).await;
    assert_eq!(code(error), ErrorCode::Forbidden);
}

#[tokio::test]
async fn u8_demoting_the_last_other_super_user_is_refused_when_it_would_leave_none() {
    let w = world().await;
    let (sara, sara_session) = w.super_user().await;
    w.roster
        .remove_user(&sara_session, &w.admin.user_id)
        .await
        .expect("sara removes ana");
    let me = w.roster.user(&sara_session, &sara.id).await.expect("sara");
    let demote = w.with_role(&me, false);
    assert_eq!(
        code(w.roster.update_user(&sara_session, &sara.id, demote).await),
        ErrorCode::LastSuperUser
    );
}

#[tokio::test]
async fn u9_names_as_people_write_them() {
    let w = world().await;
    let kiri = w.add("kiri@example.com", " Kiri ", "").await;
    assert_eq!(
        (
            kiri.first_name.as_str(),
            kiri.last_name.as_str(),
            kiri.display_name.as_str()
        ),
        ("Kiri", "", "Kiri")
    );
    let sean = w.add("sean@example.com", "Seán", "O'Brien-Núñez").await;
    assert_eq!(sean.display_name, "Seán O'Brien-Núñez");
    let chen = w.add("chen@example.com", "陈", "静").await;
    assert_eq!(
        (chen.first_name.as_str(), chen.last_name.as_str()),
        ("陈", "静")
    );

    for (first, last, field) in [
        ("Ana\nLu", "Reyes", Field::FirstName),
        ("Ana", "Reyes\r\nJr", Field::LastName),
        ("Ana", "Re\u{0000}yes", Field::LastName),
        (&"N".repeat(101) as &str, "Reyes", Field::FirstName),
        ("Ana", &"é".repeat(101) as &str, Field::LastName),
    ] {
        let error = w
            .roster
            .create_user(&w.admin, w.new_user("bad@example.com", first, last))
            .await
            .expect_err("refused");
        assert_eq!(
            (error.code(), error.field()),
            (ErrorCode::Validation, Some(field)),
            "{first:?} {last:?}"
        );
    }

    let update = ProfileUpdate {
        first_name: "Kiri\tTe".into(),
        last_name: String::new(),
        phone: String::new(),
        expected_version: 1,
    };
    let (_, kiri_session) = (
        kiri.clone(),
        w.roster
            .sign_in(sign_in_input("kiri@example.com", USER_PASSWORD))
            .await
            .expect("sign in")
            .0,
    );
    let error = w
        .roster
        .update_profile(&kiri_session, update)
        .await
        .expect_err("refused");
    assert_eq!(error.field(), Some(Field::FirstName));
}
