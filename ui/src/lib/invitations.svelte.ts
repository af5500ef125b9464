import { toAppError } from "../api/errors";
import { invitationsReady } from "../api/invitations";
import type { AppError } from "../bindings/AppError";
import type { InvitationInfo } from "../bindings/InvitationInfo";
import { m } from "../paraglide/messages.js";
import { formatDate, formatDateTime } from "./format";

/** Whether "Send invitation" can be offered (email is set up), with its error and a retry. */
export class InvitationReadiness {
  /** null until the core answers. */
  ready = $state<boolean | null>(null);
  error = $state<AppError | null>(null);

  async load(): Promise<void> {
    this.error = null;
    try {
      this.ready = await invitationsReady();
    } catch (raw) {
      this.error = toAppError(raw);
    }
  }
}

/** A reason from the mail server as part of a sentence: its own final full stop dropped. */
function reason(text: string): string {
  return text.replace(/[.\s]+$/, "");
}

/** Where an invitation stands, as the user panel says it: a line and an optional second one. */
export function invitationLines(info: InvitationInfo): { text: string; detail: string | null } {
  const validUntil = m.users_invitation_valid_until({ date: formatDateTime(info.expiresAt) });
  switch (info.state) {
    case "queued": {
      if (info.lastError === null) return { text: m.users_invitation_waiting(), detail: validUntil };
      // Case I3: a failed attempt reads as "not sent" with its reason, and says it is retried.
      return {
        text: m.users_invitation_not_sent_yet({ reason: reason(info.lastError) }),
        detail:
          info.nextAttemptAt === null
            ? m.users_invitation_retrying()
            : m.users_invitation_retrying_at({ date: formatDateTime(info.nextAttemptAt) }),
      };
    }
    case "sent":
      return {
        text:
          info.sentAt === null ? m.users_invitation_sent() : m.users_invitation_sent_at({ date: formatDateTime(info.sentAt) }),
        detail: validUntil,
      };
    case "notSent":
      return {
        text:
          info.lastError === null
            ? m.users_invitation_not_sent()
            : m.users_invitation_not_sent_reason({ reason: reason(info.lastError) }),
        detail: null,
      };
    case "expired":
      return { text: m.users_invitation_expired({ date: formatDate(info.expiresAt) }), detail: null };
    case "accepted":
      return { text: m.users_invitation_accepted(), detail: null };
    case "revoked":
      return { text: m.users_invitation_revoked(), detail: null };
  }
}
