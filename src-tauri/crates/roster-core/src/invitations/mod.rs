//! Email invitations: "Add user → Send invitation" creates an invited user and queues an email
//! with a single-use, expiring code; Resend replaces the code; Revoke withdraws it; whoever
//! holds the code chooses a password and becomes an active member (see `accept.rs`).

mod accept;
pub(crate) mod message;

use chrono::Duration;

use crate::actor::Actor;
use crate::changes::{self, By, Change, StatusChange};
use crate::clock::parse_timestamp;
use crate::error::{Error, Result};
use crate::mail::outbox::{self, Queued};
use crate::model::{InvitationInfo, InvitationState, NewInvitation, Status, UserDetails};
use crate::permissions::{Permission, Session};
use crate::store::{InvitationRow, Tx, UserPatch};
use crate::sync::ops::{Access, Op};
use crate::text::display_name;
use crate::users::{self, write::NewRow};
use crate::{Roster, actor, new_id};

pub use message::{ACCEPT_LINK, hub_in_link};

/// The latest invitation of `user_id` as the panel shows it, judged at `now`.
pub(crate) async fn latest(
    tx: &mut dyn Tx,
    user_id: &str,
    now: &str,
) -> Result<Option<InvitationInfo>> {
    let row = tx.latest_invitation(user_id).await?;
    if row.is_none() {
        return kept_from_hub(tx, user_id, now).await;
    }
    Ok(row.map(|r| {
        let state = match (r.state.as_str(), r.outbox_state.as_deref()) {
            ("accepted", _) => InvitationState::Accepted,
            ("revoked" | "replaced", _) => InvitationState::Revoked,
            _ if expired(&r.expires_at, now) => InvitationState::Expired,
            (_, Some("sent")) => InvitationState::Sent,
            (_, Some("failed")) => InvitationState::NotSent,
            _ => InvitationState::Queued,
        };
        InvitationInfo {
            state,
            created_at: r.created_at,
            expires_at: r.expires_at,
            sent_at: r.sent_at,
            last_error: r.last_error,
            next_attempt_at: (state == InvitationState::Queued)
                .then_some(r.next_attempt_at)
                .flatten(),
        }
    }))
}

/// On a replica, the latest invitation of `user_id` as the hub's feed last brought it, its
/// expiry judged again at `now` (the hub's feed does not move when a code merely expires).
async fn kept_from_hub(
    tx: &mut dyn Tx,
    user_id: &str,
    now: &str,
) -> Result<Option<InvitationInfo>> {
    let Some(replica) = tx.replica() else {
        return Ok(None);
    };
    let kept = replica.kept_invitation(user_id).await?;
    let info: Option<InvitationInfo> = kept.and_then(|k| serde_json::from_str(&k).ok());
    Ok(info.map(|mut info| {
        let open = matches!(
            info.state,
            InvitationState::Queued | InvitationState::Sent | InvitationState::NotSent
        );
        if open && expired(&info.expires_at, now) {
            info.state = InvitationState::Expired;
            info.next_attempt_at = None;
        }
        info
    }))
}

/// The invitation validity of the Workspace; [`Error::EmailNotConfigured`] before email is set up.
async fn validity(tx: &mut dyn Tx, workspace_id: &str) -> Result<Duration> {
    let settings = tx.email_settings(workspace_id).await?;
    settings
        .map(|s| Duration::days(i64::from(s.invitation_days)))
        .ok_or(Error::EmailNotConfigured)
}

/// Who an invitation is for.
struct Invitee<'a> {
    user_id: &'a str,
    first_name: &'a str,
    email: &'a str,
}

/// Creates a pending invitation for `user`, valid for `valid_for`, with a new code and queues
/// its email, inside the caller's transaction; returns the invitation id.
async fn issue(
    roster: &Roster,
    tx: &mut dyn Tx,
    actor: &Actor,
    user: &Invitee<'_>,
    valid_for: Duration,
) -> Result<String> {
    let now = roster.clock.now();
    let at = crate::clock::timestamp(now);
    let expires = now + valid_for;
    let (token, hash) = crate::token::new_token()?;
    let invitation_id = new_id();
    tx.insert_invitation(&InvitationRow {
        id: &invitation_id,
        workspace_id: &actor.workspace_id,
        user_id: user.user_id,
        token_hash: &hash,
        invited_by: &actor.user_id,
        expires_at: &crate::clock::timestamp(expires),
        at: &at,
    })
    .await?;
    let workspace = tx.workspace_name(&actor.workspace_id).await?;
    let inviter = tx
        .user(&actor.workspace_id, &actor.user_id)
        .await?
        .ok_or(Error::NotFound("User"))?;
    let (first, last) = (inviter.first_name, inviter.last_name);
    let expires_text = expires.format("%Y-%m-%d %H:%M UTC").to_string();
    let mail = message::compose(&message::Invitation {
        workspace: &workspace,
        inviter: &display_name(&first, &last),
        first_name: user.first_name,
        token: &token,
        expires: &expires_text,
        hub: roster.public_address.as_deref(),
    });
    outbox::enqueue(
        tx,
        &Queued {
            workspace_id: &actor.workspace_id,
            invitation_id: &invitation_id,
            to: user.email,
            subject: &mail.subject,
            text: &mail.text,
            html: &mail.html,
            at: &at,
        },
    )
    .await?;
    Ok(invitation_id)
}

/// Ends the user's pending invitations as `state` (`replaced` or `revoked`) and stops their
/// queued emails.
async fn end_pending(tx: &mut dyn Tx, user_id: &str, state: &'static str, at: &str) -> Result<()> {
    for id in tx.pending_invitations(user_id).await? {
        tx.set_invitation_state(&id, state, at).await?;
        outbox::cancel(tx, &id, at).await?;
    }
    Ok(())
}

/// Withdraws the pending invitation of a user who is removed from the Workspace, so its code
/// stops working and a queued email is not sent; the caller runs [`outbox::scrub`] once its
/// transaction committed.
pub(crate) async fn withdraw_pending(tx: &mut dyn Tx, user_id: &str, at: &str) -> Result<()> {
    end_pending(tx, user_id, "revoked", at).await
}

/// The invited user `user_id` the actor may manage, for Resend and Revoke.
async fn invited_target(tx: &mut dyn Tx, actor: &Actor, user_id: &str) -> Result<UserDetails> {
    actor.require(Permission::UsersInvite)?;
    if !actor.can(Permission::UsersView) && actor.user_id != user_id {
        return Err(Error::NotFound("User"));
    }
    let target = users::fetch(tx, &actor.workspace_id, user_id).await?;
    actor.require_may_manage(target.is_super_user, &target.permissions, "invite")?;
    if target.status != Status::Invited {
        return Err(Error::Forbidden(
            "Only users who have not accepted their invitation can be invited again".into(),
        ));
    }
    Ok(target)
}

/// Applies [`Op::InviteUser`]: `users.invite`, the roles the actor may give (a super-user
/// needs a super-user), every value through the form's validators, email set up for the
/// Workspace and a free email. Where mail is sent (not on a replica: there the hub sends)
/// the invitation is made with its code and its email queued. Errors: as
/// [`Roster::invite_user`]; [`Error::Conflict`] when the id is taken.
pub(crate) async fn apply_invite(
    roster: &Roster,
    tx: &mut dyn Tx,
    actor: &Actor,
    op: &Op,
    now: &str,
) -> Result<()> {
    let Op::InviteUser {
        user_id,
        email,
        first_name,
        last_name,
        phone,
        access,
    } = op
    else {
        return Ok(());
    };
    let valid = users::check_invitation(&NewInvitation {
        email: email.clone(),
        first_name: first_name.clone(),
        last_name: last_name.clone(),
        phone: phone.clone(),
        is_super_user: access.is_super_user,
        role_ids: access.role_ids.clone(),
    })?;
    actor.require(Permission::UsersInvite)?;
    let role_ids =
        users::authorize_roles(tx, actor, access.is_super_user, &access.role_ids).await?;
    let valid_for = validity(tx, &actor.workspace_id).await?;
    if tx.user(&actor.workspace_id, user_id).await?.is_some() {
        return Err(Error::Conflict);
    }
    users::ensure_email_free(tx, actor, &valid.email).await?;
    let row = NewRow {
        id: user_id,
        workspace_id: &actor.workspace_id,
        email: &valid.email,
        first_name: &valid.first_name,
        last_name: &valid.last_name,
        phone: &valid.phone,
        status: Status::Invited,
        is_super_user: access.is_super_user,
        password_hash: None,
        must_change_password: false,
        role_ids: &role_ids,
        at: now,
        kept: None,
    };
    users::write::insert(tx, &row).await?;
    if sends_mail(tx, &actor.workspace_id).await? {
        let invitee = Invitee {
            user_id,
            first_name: &valid.first_name,
            email: &valid.email,
        };
        issue(roster, tx, actor, &invitee, valid_for).await?;
    }
    let by = By {
        workspace_id: &actor.workspace_id,
        actor_id: Some(&actor.user_id),
        at: now,
    };
    let added = Change::UserAdded {
        user_id,
        invited: true,
    };
    changes::record(tx, by, added).await
}

/// Applies [`Op::ResendInvitation`] and [`Op::RevokeInvitation`]: `users.invite` on an invited
/// user the actor may manage. Resend replaces the pending code with a new one (made and sent
/// where mail is sent); Revoke ends it and removes the user from the Workspace.
pub(crate) async fn apply_resend_or_revoke(
    roster: &Roster,
    tx: &mut dyn Tx,
    actor: &Actor,
    op: &Op,
    now: &str,
) -> Result<()> {
    let by = By {
        workspace_id: &actor.workspace_id,
        actor_id: Some(&actor.user_id),
        at: now,
    };
    match op {
        Op::ResendInvitation { user_id } => {
            let target = invited_target(tx, actor, user_id).await?;
            end_pending(tx, user_id, "replaced", now).await?;
            if sends_mail(tx, &actor.workspace_id).await? {
                let valid_for = validity(tx, &actor.workspace_id).await?;
                let invitee = Invitee {
                    user_id,
                    first_name: &target.first_name,
                    email: &target.email,
                };
                issue(roster, tx, actor, &invitee, valid_for).await?;
            }
            changes::record(tx, by, Change::InvitationResent { user_id }).await
        }
        Op::RevokeInvitation { user_id } => {
            invited_target(tx, actor, user_id).await?;
            end_pending(tx, user_id, "revoked", now).await?;
            let revoked = StatusChange::Revoked;
            let patch = UserPatch::default();
            users::write::change_status(tx, by, user_id, Status::Invited, revoked, false, patch)
                .await
        }
        _ => Ok(()),
    }
}

/// Whether this copy of the Workspace makes invitation codes and sends their emails: every
/// copy but a replica, whose hub does it, so each message has exactly one sender.
async fn sends_mail(tx: &mut dyn Tx, workspace_id: &str) -> Result<bool> {
    Ok(!crate::sync::is_replica(tx, workspace_id).await?)
}

impl Roster {
    /// "Add user → Send invitation": adds the user as `invited` (no password, no seat) with
    /// the chosen roles and queues the invitation email — on a replica the user is here at
    /// once and the hub makes the code and sends the email when the change reaches it. Needs
    /// `users.invite`; a super-user needs a super-user; roles as in "Add user". Errors:
    /// field validation, [`Error::EmailTaken`], [`Error::EmailOfRemovedUser`],
    /// [`Error::EmailNotConfigured`].
    pub async fn invite_user(
        &self,
        session: &Session,
        input: NewInvitation,
    ) -> Result<UserDetails> {
        users::check_invitation(&input)?;
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let op = Op::InviteUser {
            user_id: new_id(),
            email: input.email,
            first_name: input.first_name,
            last_name: input.last_name,
            phone: input.phone,
            access: Access::new(input.is_super_user, &input.role_ids),
        };
        self.commit_op(tx, &actor, op).await
    }

    /// "Resend": a new code replaces the pending one (which then says it was replaced) and a
    /// new email is queued; the validity starts again. Needs `users.invite`.
    pub async fn resend_invitation(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let op = Op::ResendInvitation {
            user_id: user_id.to_owned(),
        };
        self.commit_op(tx, &actor, op).await
    }

    /// "Revoke": the pending code stops working, its queued email is dropped and the user is
    /// removed from the Workspace (Restore and Resend bring them back). Needs `users.invite`.
    pub async fn revoke_invitation(&self, session: &Session, user_id: &str) -> Result<UserDetails> {
        let mut tx = self.write().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        let op = Op::RevokeInvitation {
            user_id: user_id.to_owned(),
        };
        self.commit_op(tx, &actor, op).await
    }

    /// Whether "Send invitation" can be offered: email is set up for the Workspace. Needs
    /// `users.invite`.
    pub async fn invitations_ready(&self, session: &Session) -> Result<bool> {
        let mut tx = self.read().await?;
        let actor = actor::load_ready(&mut *tx, session).await?;
        actor.require(Permission::UsersInvite)?;
        match validity(&mut *tx, &actor.workspace_id).await {
            Ok(_) => Ok(true),
            Err(Error::EmailNotConfigured) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// A user of the Workspace with their latest invitation, judged by the clock.
    pub(crate) async fn details(
        &self,
        tx: &mut dyn Tx,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<UserDetails> {
        let mut details = users::fetch(tx, workspace_id, user_id).await?;
        details.invitation = latest(tx, user_id, &self.now()).await?;
        Ok(details)
    }
}

/// Whether a stored expiry lies at or before `now` (both stored timestamps).
fn expired(expires_at: &str, now: &str) -> bool {
    match (parse_timestamp(expires_at), parse_timestamp(now)) {
        (Some(expires), Some(now)) => expires <= now,
        _ => true,
    }
}
