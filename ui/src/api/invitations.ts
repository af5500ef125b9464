import { listen } from "@tauri-apps/api/event";
import type { InvitationAcceptance } from "../bindings/InvitationAcceptance";
import type { InvitationPreview } from "../bindings/InvitationPreview";
import type { NewInvitation } from "../bindings/NewInvitation";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { UserDetails } from "../bindings/UserDetails";
import { call } from "./call";

export const invitationsReady = () => call<boolean>("invitations_ready");

export const usersInvite = (input: NewInvitation) => call<UserDetails>("users_invite", { input });

export const invitationsResend = (id: string) => call<UserDetails>("invitations_resend", { id });

export const invitationsRevoke = (id: string) => call<UserDetails>("invitations_revoke", { id });

export const invitationsPreview = (token: string) => call<InvitationPreview>("invitations_preview", { token });

export const invitationsAccept = (input: InvitationAcceptance) => call<SessionInfo>("invitations_accept", { input });

/** The code of an invitation link that opened or reached Roster, once; null when none is waiting. */
export const invitationsTakeLink = () => call<string | null>("invitations_take_link");

/**
 * Calls `onLink` whenever the shell says an invitation link arrived while Roster runs (the event
 * carries nothing: the code waits in `invitationsTakeLink`). Returns a function that stops it.
 */
export function onInvitationLink(onLink: () => void): () => void {
  const listening = listen("invitation-link", onLink);
  return () => {
    void listening.then((stop) => stop());
  };
}
