//! Randomised convergence with faults, seeded and rerunnable (`ROSTER_SYNC_SEED=<n>`):
//! five replicas on their own SQLite files and two hub processes behind one address (a small
//! TCP balancer, as in production), 2,000 random operations, random disconnects (replicas
//! that do not sync for a while), replicas killed and reopened from their files, answers lost
//! after the hub committed, and `kill -9` of a hub process with its restart. Then quiet: every
//! replica syncs until nothing moves, and each must equal what the hub lets its user see, with
//! no operation lost or applied twice and every refusal in its replica's "Changes not applied".

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use roster_core::model::{NewUser, ProfileUpdate, UserUpdate};
use roster_core::secrets::{SecretStore, SessionSecrets};
use roster_core::sync::{HubClient, Record};
use roster_core::{Roster, Secret, Session};
use sqlx::Row;
use tempfile::TempDir;
use tokio::net::{TcpListener, TcpStream};

use crate::support::{HubDatabase, HubProcess, PASSWORD, acme, enrol, new_user};

/// A small deterministic generator (xorshift64*): the same seed gives the same run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One address in front of the hub processes: each connection goes to the next process that
/// accepts it, as a load balancer's health-checked round robin does.
async fn balancer(backends: Arc<std::sync::Mutex<Vec<SocketAddr>>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let turn = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let backends = backends.lock().expect("backends").clone();
            let start = turn.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                for i in 0..backends.len() {
                    let target = backends[(start + i) % backends.len()];
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        return;
                    }
                }
            });
        }
    });
    address
}

/// A replica: its folder, its secrets (kept across a kill, as the OS keychain keeps them) and
/// the Roster open on its file.
struct Replica {
    dir: TempDir,
    secrets: Arc<SessionSecrets>,
    roster: Roster,
    session: Session,
    email: &'static str,
    super_user: bool,
}

impl Replica {
    async fn open(dir: &TempDir, secrets: &Arc<SessionSecrets>) -> Roster {
        Roster::open(&dir.path().join("roster.db"))
            .await
            .expect("open the file")
            .with_secrets(secrets.clone())
    }

    /// Ends the process as a crash would (no goodbye) and opens the file again.
    async fn kill_and_reopen(&mut self) {
        self.roster.close().await;
        self.roster = Self::open(&self.dir, &self.secrets).await;
    }
}

async fn join(hub: &HubClient, email: &'static str, super_user: bool) -> Replica {
    let dir = tempfile::tempdir().expect("dir");
    let secrets = Arc::new(SessionSecrets::default());
    let roster = Replica::open(&dir, &secrets).await;
    let input = roster_core::model::SignInInput {
        workspace_id: None,
        email: email.into(),
        password: Secret::new(PASSWORD),
    };
    let joined = roster
        .join_through_hub(hub, input, &|_| {})
        .await
        .expect("join");
    let roster_core::sync::Joined::SignedIn(signed_in) = joined else {
        panic!("one Workspace");
    };
    Replica {
        dir,
        secrets,
        roster,
        session: signed_in.0,
        email,
        super_user,
    }
}

/// Users a replica's file holds: id → (names, phone, status, super-user, roles).
async fn held(roster: &Roster) -> BTreeMap<String, String> {
    let rows = sqlx::query(
        "SELECT u.id, u.first_name || '|' || u.last_name || '|' || u.phone || '|' || u.status
                || '|' || u.is_super_user || '|' ||
                coalesce((SELECT group_concat(role_id, ',') FROM
                    (SELECT role_id FROM user_roles WHERE user_id = u.id ORDER BY role_id)), '')
         FROM users u",
    )
    .fetch_all(roster.pool())
    .await
    .expect("read");
    rows.into_iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// What the hub lets `email` see now, in the same shape, from a fresh full copy.
async fn hub_view(hub: &HubClient, email: &str) -> BTreeMap<String, String> {
    let token = crate::support::hub_token(hub, email).await;
    let mut cursor = None;
    let mut view = BTreeMap::new();
    loop {
        let page = hub
            .pull(&token, cursor.as_deref(), None)
            .await
            .expect("pull");
        for record in page.records {
            if let Record::User(u) = record {
                let status = format!("{:?}", u.status).to_lowercase();
                let value = format!(
                    "{}|{}|{}|{}|{}|{}",
                    u.first_name,
                    u.last_name,
                    u.phone,
                    status,
                    i32::from(u.is_super_user),
                    u.role_ids.join(",")
                );
                view.insert(u.id, value);
            }
        }
        cursor = Some(page.cursor);
        if !page.more {
            return view;
        }
    }
}

/// What happened, for the message of a failure: syncs, lost answers, kills.
static EVENTS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn note(event: String) {
    EVENTS.lock().expect("events").push(event);
}

/// The last events, to read with the seed when the test fails.
fn history() -> String {
    let events = EVENTS.lock().expect("events");
    let from = events.len().saturating_sub(40);
    format!("last events:\n{}", events[from..].join("\n"))
}

const PHONES: [&str; 4] = ["", "+44 20 7946 0958", "+1 202 555 0143", "+34 912 345 678"];
const NAMES: [&str; 5] = ["Alma", "Bruno", "Chen", "Dalia", "Émile"];

/// One random thing the user of `replica` does. Local refusals (a rule, a stale form) are
/// part of the game: they never reach the outbox.
async fn act(dice: &mut Dice, replica: &Replica, roles: &[String], counter: &mut usize) {
    let (roster, session) = (&replica.roster, &replica.session);
    if !replica.super_user || dice.chance(15) {
        let Ok(me) = roster.user(session, &session.user_id).await else {
            return;
        };
        let _ = roster
            .update_profile(
                session,
                ProfileUpdate {
                    first_name: NAMES[dice.below(NAMES.len())].into(),
                    last_name: me.last_name,
                    phone: PHONES[dice.below(PHONES.len())].into(),
                    expected_version: me.version,
                },
            )
            .await;
        return;
    }
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM users ORDER BY id")
        .fetch_all(roster.pool())
        .await
        .expect("ids");
    let target = ids[dice.below(ids.len())].clone();
    let Ok(user) = roster.user(session, &target).await else {
        return;
    };
    match dice.below(10) {
        0..=3 => {
            let mut update = UserUpdate {
                first_name: user.first_name.clone(),
                last_name: user.last_name.clone(),
                phone: user.phone.clone(),
                is_super_user: user.is_super_user,
                role_ids: user.role_ids.clone(),
                expected_version: user.version,
            };
            if dice.chance(50) {
                update.first_name = NAMES[dice.below(NAMES.len())].into();
            } else {
                update.phone = PHONES[dice.below(PHONES.len())].into();
            }
            let _ = roster.update_user(session, &target, update).await;
        }
        4 | 5 if !user.is_super_user => {
            let update = UserUpdate {
                first_name: user.first_name.clone(),
                last_name: user.last_name.clone(),
                phone: user.phone.clone(),
                is_super_user: false,
                role_ids: vec![roles[dice.below(roles.len())].clone()],
                expected_version: user.version,
            };
            let _ = roster.update_user(session, &target, update).await;
        }
        6 if !user.is_super_user => {
            let _ = roster.remove_user(session, &target).await;
        }
        7 => {
            let _ = roster.restore_user(session, &target).await;
        }
        8 if *counter < 40 => {
            // A small pool of addresses, so two replicas add the same one now and then.
            *counter += 1;
            let email = format!("new{}@example.com", dice.below(12));
            let input: NewUser = new_user(&email, "New", vec![roles[0].clone()]);
            let _ = roster.create_user(session, input).await;
        }
        _ => {}
    }
}

#[tokio::test]
async fn five_replicas_two_hubs_and_faults_converge_without_losing_or_repeating_a_change() {
    let seed: u64 = std::env::var("ROSTER_SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_202);
    println!("ROSTER_SYNC_SEED={seed}");
    let mut dice = Dice(seed | 1);

    let db = HubDatabase::fresh().await;
    let mut hubs = [
        HubProcess::start(&db.url).await,
        HubProcess::start(&db.url).await,
    ];
    let backends = Arc::new(std::sync::Mutex::new(
        hubs.iter().map(|h| h.socket()).collect::<Vec<_>>(),
    ));
    let front = balancer(backends.clone()).await;
    let hub = HubClient::new(&format!("http://{front}"), None).expect("client");

    let office = acme().await;
    let mut sara: NewUser = new_user("sara@example.com", "Sara", Vec::new());
    sara.is_super_user = true;
    office
        .desk
        .roster
        .create_user(&office.ada, sara)
        .await
        .expect("Sara");
    office
        .desk
        .roster
        .share_through_hub(
            &office.ada,
            &hub,
            &enrol(&db.url),
            &Secret::new(PASSWORD),
            &|_| {},
        )
        .await
        .expect("share");
    let roles = vec![office.bob.role_ids[0].clone(), office.viewers.clone()];

    let mut replicas = Vec::new();
    for (email, super_user) in [
        (crate::support::ADA, true),
        ("sara@example.com", true),
        ("cy@example.com", false),
        ("bob@example.com", false),
        ("dee@example.com", false),
    ] {
        replicas.push(join(&hub, email, super_user).await);
    }
    let mut created = 0;
    let mut offline = [false; 5];
    for step in 0..2_000 {
        let who = dice.below(replicas.len());
        act(&mut dice, &replicas[who], &roles, &mut created).await;
        if dice.chance(3) {
            offline[who] = !offline[who];
        }
        if dice.chance(25) && !offline[who] {
            let r = &replicas[who];
            if dice.chance(10) {
                // The hub commits; the answer is lost before the replica records it.
                if let (Ok(ops), Some(link)) = (
                    r.roster.pending_ops(&r.session.workspace_id, 100).await,
                    r.roster
                        .hub_link(&r.session.workspace_id)
                        .await
                        .expect("link"),
                ) && let Some(token) = r
                    .secrets
                    .get(&format!("hub-session:{}", r.session.workspace_id))
                    .expect("token")
                {
                    let lost = hub.push(&token, &link.client_id, &ops).await;
                    note(format!(
                        "{step} lost answer {} {}",
                        r.email,
                        lost.map(|o| o.len()).unwrap_or(0)
                    ));
                }
            } else {
                let outcome = r
                    .roster
                    .sync_with_hub(&r.session.workspace_id, &hub, None)
                    .await;
                note(format!(
                    "{step} sync {} {:?}",
                    r.email,
                    outcome
                        .map(|(p, q)| (p.answered, p.refused, q.rows))
                        .map_err(|e| e.code())
                ));
            }
        }
        if dice.chance(1) {
            replicas[who].kill_and_reopen().await;
        }
        if step % 500 == 250 {
            let victim = dice.below(hubs.len());
            let address = hubs[victim].socket();
            hubs[victim].kill();
            note(format!("{step} kill hub {victim}"));
            hubs[victim] = HubProcess::start_on(&db.url, address).await;
        }
    }

    // Quiet: every replica comes online and sends what waits; then Ada brings back every
    // replica's user who ended up removed; then every replica syncs (signing in at the hub
    // again where a removal ended its session) until nothing is left to send or receive.
    for r in &replicas {
        let _ = r
            .roster
            .sync_with_hub(&r.session.workspace_id, &hub, None)
            .await;
    }
    let ada = &replicas[0];
    ada.roster
        .sync_with_hub(&ada.session.workspace_id, &hub, None)
        .await
        .expect("Ada syncs");
    for r in &replicas[1..] {
        let _ = ada
            .roster
            .restore_user(&ada.session, &r.session.user_id)
            .await;
    }
    ada.roster
        .sync_with_hub(&ada.session.workspace_id, &hub, None)
        .await
        .expect("Ada syncs");
    for _ in 0..4 {
        for r in &replicas {
            let workspace = &r.session.workspace_id;
            match r.roster.sync_with_hub(workspace, &hub, None).await {
                Ok(_) => {}
                Err(e) if e.code() == roster_core::ErrorCode::Unauthenticated => {
                    if let Err(e) = r
                        .roster
                        .sign_in_to_hub_again(workspace, &hub, &Secret::new(PASSWORD))
                        .await
                    {
                        panic!(
                            "{}: sign in at the hub again: {e:?}\n{}",
                            r.email,
                            history()
                        );
                    }
                }
                Err(e) => panic!("{}: sync in the quiet: {e:?}\n{}", r.email, history()),
            }
        }
    }
    // A removal ends every session of the user, here too once the replica learns of it: sign
    // in again on each replica.
    for r in &mut replicas {
        let input = roster_core::model::SignInInput {
            workspace_id: Some(r.session.workspace_id.clone()),
            email: r.email.into(),
            password: Secret::new(PASSWORD),
        };
        r.session = r
            .roster
            .sign_in(input)
            .await
            .expect("sign in on the replica")
            .0;
    }
    let pg = sqlx::PgPool::connect(&db.url).await.expect("hub database");
    let mut applied_creates = 0;
    let mut refusals = 0;
    for r in &replicas {
        let workspace = &r.session.workspace_id;
        assert_eq!(
            r.roster.changes_waiting(workspace).await.expect("waiting"),
            0,
            "{}: nothing left to send (seed {seed})",
            r.email
        );
        assert_eq!(
            held(&r.roster).await,
            hub_view(&hub, r.email).await,
            "{}: the replica equals what the hub lets its user see (seed {seed})",
            r.email
        );
        let link = r
            .roster
            .hub_link(workspace)
            .await
            .expect("link")
            .expect("replica");
        let outbox: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT seq, state, op FROM sync_outbox ORDER BY seq")
                .fetch_all(r.roster.pool())
                .await
                .expect("outbox");
        let answered: Vec<(i64, String)> = sqlx::query_as(
            "SELECT seq, outcome FROM hub_op_results WHERE client_id = $1::uuid ORDER BY seq",
        )
        .bind(&link.client_id)
        .fetch_all(&pg)
        .await
        .expect("answers");
        assert_eq!(
            outbox.len(),
            answered.len(),
            "{}: every change answered once (seed {seed})",
            r.email
        );
        for ((seq, state, op), (hub_seq, outcome)) in outbox.iter().zip(&answered) {
            assert_eq!(seq, hub_seq);
            let same = match state.as_str() {
                "applied" => outcome == "applied",
                _ => outcome == "rejected",
            };
            assert!(
                same,
                "{}: change {seq} is {state} here, {outcome} at the hub",
                r.email
            );
            if outcome == "applied" && op.contains("\"op\":\"createUser\"") {
                applied_creates += 1;
            }
        }
        let refused = outbox.iter().filter(|(_, s, _)| s == "rejected").count();
        let listed = r
            .roster
            .changes_not_applied(&r.session)
            .await
            .expect("list")
            .len();
        assert_eq!(refused, listed, "{}: every refusal is listed", r.email);
        refusals += refused;
    }
    let events = EVENTS.lock().expect("events").clone();
    let lost = events.iter().filter(|e| e.contains("lost answer")).count();
    println!("{refusals} changes refused, {lost} answers lost, {applied_creates} users added");
    assert!(
        refusals > 0 && lost > 0,
        "the run exercised conflicts and lost answers (seed {seed})"
    );
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pg)
        .await
        .expect("count");
    assert_eq!(
        users,
        4 + 1 + applied_creates,
        "Acme's four, Sara and one per applied Add user: none twice (seed {seed})"
    );
}
