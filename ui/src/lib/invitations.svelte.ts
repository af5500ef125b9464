import { toAppError } from "../api/errors";
import { invitationsReady } from "../api/invitations";
import type { AppError } from "../bindings/AppError";
import type { InvitationInfo } from "../bindings/InvitationInfo";
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
  const validUntil = `Valid until ${formatDateTime(info.expiresAt)}`;
  switch (info.state) {
    case "queued": {
      if (info.lastError === null) return { text: "Waiting to be sent", detail: validUntil };
      const next = info.nextAttemptAt === null ? "" : ` Next try ${formatDateTime(info.nextAttemptAt)}`;
      // Case I3: a failed attempt reads as "not sent" with its reason, and says it is retried.
      return { text: `Not sent yet: ${reason(info.lastError)}`, detail: `Roster tries again.${next}` };
    }
    case "sent":
      return { text: info.sentAt === null ? "Sent" : `Sent ${formatDateTime(info.sentAt)}`, detail: validUntil };
    case "notSent":
      return { text: info.lastError === null ? "Not sent" : `Not sent: ${reason(info.lastError)}`, detail: null };
    case "expired":
      return { text: `Expired ${formatDate(info.expiresAt)}`, detail: null };
    case "accepted":
      return { text: "Accepted", detail: null };
    case "revoked":
      return { text: "Revoked", detail: null };
  }
}
