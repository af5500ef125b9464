//! The list: keyset pages cover every user exactly once in order; search, filter, counts.

use roster_core::Session;
use roster_core::model::{SortDirection, StatusFilter, UserQuery, UserSort, UserSummary};
use roster_core::text::sort_key as fold;

use crate::support::*;

fn query(
    search: &str,
    filter: StatusFilter,
    sort: UserSort,
    direction: SortDirection,
) -> UserQuery {
    UserQuery {
        search: search.into(),
        filter,
        sort,
        direction,
        after: None,
        limit: 7,
    }
}

async fn all_pages(w: &World, session: &Session, mut q: UserQuery) -> Vec<UserSummary> {
    let mut out = Vec::new();
    loop {
        let page = w.roster.list_users(session, &q).await.expect("page");
        assert!(page.items.len() <= q.limit as usize);
        out.extend(page.items);
        match page.next_cursor {
            Some(cursor) => q.after = Some(cursor),
            None => return out,
        }
    }
}

async fn populated() -> World {
    let w = world().await;
    let names = [
        ("Zoë", "Ødegård"),
        ("陈", "静"),
        ("Ana", "Reyes, Jr."),
        ("ana", "Álvarez"),
        ("Émile", "Zola"),
        ("Bruno", "Costa"),
        ("Kiri", ""),
        ("Seán", "O'Brien-Núñez"),
        ("Yuki", "Tanaka"),
        ("Omar", "Haddad"),
        ("Ana", "Reyes"),
        ("Lea", "Fischer"),
        ("Ivan", "Petrov"),
        ("Noa", "Levi"),
        ("Mina", "Park"),
        ("Ola", "Nordmann"),
        ("Priya", "Nair"),
        ("Tomás", "Díaz"),
        ("Uma", "Rao"),
        ("Vera", "Lima"),
    ];
    for (i, (first, last)) in names.iter().enumerate() {
        w.add(&format!("person{i:02}@example.com"), first, last)
            .await;
    }
    w
}

#[tokio::test]
async fn pages_cover_everyone_once_in_every_order() {
    let w = populated().await;
    for sort in [
        UserSort::Name,
        UserSort::Email,
        UserSort::Status,
        UserSort::AddedOn,
    ] {
        for direction in [SortDirection::Asc, SortDirection::Desc] {
            let rows = all_pages(
                &w,
                &w.admin,
                query("", StatusFilter::Current, sort, direction),
            )
            .await;
            assert_eq!(rows.len(), 21, "{sort:?} {direction:?}");
            let keys: Vec<(String, String)> = rows
                .iter()
                .map(|u| {
                    let key = match sort {
                        UserSort::Name => fold(&u.display_name),
                        UserSort::Email => fold(&u.email),
                        UserSort::Status => format!("{:?}{}", u.status, fold(&u.display_name)),
                        UserSort::AddedOn => u.added_on.clone(),
                    };
                    (key, u.id.clone())
                })
                .collect();
            let mut expected = keys.clone();
            expected.sort();
            if direction == SortDirection::Desc {
                expected.reverse();
            }
            assert_eq!(keys, expected, "{sort:?} {direction:?}");
        }
    }
}

#[tokio::test]
async fn search_finds_substrings_of_names_and_emails_in_any_case() {
    let w = populated().await;
    let cases: [(&str, &[&str]); 7] = [
        ("REYES", &["Ana Reyes", "Ana Reyes, Jr."]),
        ("ødeg", &["Zoë Ødegård"]),
        ("son07@", &["Seán O'Brien-Núñez"]),
        ("陈", &["陈 静"]),
        (
            "an",
            &["ana Álvarez", "Ana Reyes", "Ana Reyes, Jr.", "Ana Silva"],
        ),
        ("nunez", &["Seán O'Brien-Núñez"]),
        ("zzz-nobody", &[]),
    ];
    for (term, expected) in cases {
        let q = query(
            term,
            StatusFilter::Current,
            UserSort::Name,
            SortDirection::Asc,
        );
        let names: Vec<String> = all_pages(&w, &w.admin, q)
            .await
            .into_iter()
            .map(|u| u.display_name)
            .collect();
        assert_eq!(names, expected, "search {term:?}");
    }
    let q = query(
        "costa",
        StatusFilter::Current,
        UserSort::Name,
        SortDirection::Asc,
    );
    let page = w.roster.list_users(&w.admin, &q).await.expect("page");
    assert_eq!((page.matching, page.counts.users), (Some(1), 21));
}

#[tokio::test]
async fn search_text_is_never_parsed_as_query_syntax() {
    let w = populated().await;
    for term in [
        "\"",
        "a\"b",
        "* OR *",
        "NEAR(a b)",
        "col:umn",
        "'; DROP TABLE users; --",
        "%_%",
    ] {
        let page = w
            .roster
            .list_users(
                &w.admin,
                &query(
                    term,
                    StatusFilter::Current,
                    UserSort::Name,
                    SortDirection::Asc,
                ),
            )
            .await;
        assert!(page.is_ok(), "{term:?}: {page:?}");
    }
}

#[tokio::test]
async fn removed_users_are_hidden_by_default_and_listed_under_removed() {
    let w = populated().await;
    let bruno = all_pages(
        &w,
        &w.admin,
        query(
            "bruno",
            StatusFilter::Current,
            UserSort::Name,
            SortDirection::Asc,
        ),
    )
    .await;
    w.roster
        .remove_user(&w.admin, &bruno[0].id)
        .await
        .expect("remove");
    let current = w
        .roster
        .list_users(
            &w.admin,
            &query(
                "",
                StatusFilter::Current,
                UserSort::Name,
                SortDirection::Asc,
            ),
        )
        .await
        .expect("page");
    assert_eq!(
        (
            current.counts.users,
            current.counts.seats,
            current.counts.removed,
            current.matching
        ),
        (20, 20, 1, Some(20))
    );
    let removed = all_pages(
        &w,
        &w.admin,
        query(
            "",
            StatusFilter::Removed,
            UserSort::Name,
            SortDirection::Asc,
        ),
    )
    .await;
    assert_eq!(
        removed.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        [bruno[0].id.as_str()]
    );
    let current = all_pages(
        &w,
        &w.admin,
        query(
            "",
            StatusFilter::Current,
            UserSort::Name,
            SortDirection::Asc,
        ),
    )
    .await;
    assert!(current.iter().all(|u| u.id != bruno[0].id));
}

#[tokio::test]
async fn a_cursor_from_another_order_or_garbage_is_refused() {
    let w = populated().await;
    let first = w
        .roster
        .list_users(
            &w.admin,
            &query(
                "",
                StatusFilter::Current,
                UserSort::Name,
                SortDirection::Asc,
            ),
        )
        .await
        .expect("page");
    let mut by_email = query(
        "",
        StatusFilter::Current,
        UserSort::Email,
        SortDirection::Asc,
    );
    by_email.after = first.next_cursor;
    assert!(w.roster.list_users(&w.admin, &by_email).await.is_err());
    by_email.after = Some("not a cursor".into());
    assert!(w.roster.list_users(&w.admin, &by_email).await.is_err());
}
