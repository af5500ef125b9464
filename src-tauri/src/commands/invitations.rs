//! Email invitations: send, resend, revoke, and accepting one with its code.

use roster_core::AppError;
use roster_core::model::{
    InvitationAcceptance, InvitationPreview, NewInvitation, SessionInfo, UserDetails,
};
use tauri::State;

use crate::state::AppState;

/// Whether "Send invitation" can be offered (email is set up).
#[tauri::command]
pub async fn invitations_ready(state: State<'_, AppState>) -> Result<bool, AppError> {
    let session = state.session()?;
    state
        .roster
        .invitations_ready(&session)
        .await
        .map_err(|e| state.fail(e))
}

/// "Send invitation" in Add user.
#[tauri::command]
pub async fn users_invite(
    state: State<'_, AppState>,
    input: NewInvitation,
) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    let result = state.roster.invite_user(&session, input).await;
    state.wrote(result)
}

/// "Resend" on an invited user.
#[tauri::command]
pub async fn invitations_resend(
    state: State<'_, AppState>,
    id: String,
) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    let result = state.roster.resend_invitation(&session, &id).await;
    state.wrote(result)
}

/// "Revoke" on an invited user.
#[tauri::command]
pub async fn invitations_revoke(
    state: State<'_, AppState>,
    id: String,
) -> Result<UserDetails, AppError> {
    let session = state.session()?;
    let result = state.roster.revoke_invitation(&session, &id).await;
    state.wrote(result)
}

/// What an invitation code (or link) is for, before choosing a password. No session needed.
/// A link that names a hub is looked up there (this computer may hold no Workspace yet).
#[tauri::command]
pub async fn invitations_preview(
    state: State<'_, AppState>,
    token: String,
) -> Result<InvitationPreview, AppError> {
    match roster_core::hub_in_link(&token) {
        Some(hub) => state.sync.client(&hub)?.invitation_preview(&token).await,
        None => state.roster.invitation_preview(&token).await,
    }
    .map_err(AppError::from)
}

/// "Accept invitation": sets the password and signs in; for a link that names a hub, at the
/// hub, and this computer then joins the Workspace as the new member.
#[tauri::command]
pub async fn invitations_accept(
    state: State<'_, AppState>,
    input: InvitationAcceptance,
) -> Result<SessionInfo, AppError> {
    let (session, info) = match roster_core::hub_in_link(&input.token) {
        Some(hub) => {
            let hub = state.sync.client(&hub)?;
            state
                .roster
                .accept_invitation_through_hub(&hub, input, &|_| {})
                .await
        }
        None => state.roster.accept_invitation(input).await,
    }
    .map_err(AppError::from)?;
    state.set_session(Some(session));
    state.sync.wake();
    Ok(info)
}

/// The invitation code of a `roster://accept-invitation` link that opened or reached Roster
/// and was not shown yet (taken once).
#[tauri::command]
pub fn invitations_take_link(state: State<'_, AppState>) -> Option<String> {
    state.take_invitation_link()
}
