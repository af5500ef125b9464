import type { EmailSettings } from "../bindings/EmailSettings";
import type { ImportFile } from "../bindings/ImportFile";
import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { ImportRow } from "../bindings/ImportRow";
import type { InvitationInfo } from "../bindings/InvitationInfo";
import type { InvitationPreview } from "../bindings/InvitationPreview";
import type { RoleSummary } from "../bindings/RoleSummary";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { UserDetails } from "../bindings/UserDetails";
import type { UserPage } from "../bindings/UserPage";
import type { UserSummary } from "../bindings/UserSummary";

export function session(overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    userId: "u-admin",
    workspaceId: "w-1",
    workspaceName: "Acme Office",
    email: "admin@acme.example",
    firstName: "Ada",
    lastName: "Admin",
    displayName: "Ada Admin",
    isSuperUser: true,
    mustChangePassword: false,
    permissions: ["users.view", "users.create", "users.edit", "users.remove", "users.reset_password"],
    ...overrides,
  };
}

export function summary(index: number, overrides: Partial<UserSummary> = {}): UserSummary {
  return {
    id: `u-${index}`,
    email: `user${index}@acme.example`,
    firstName: "User",
    lastName: `${index}`,
    displayName: `User ${index}`,
    role: "Member",
    isSuperUser: false,
    status: "active",
    addedOn: "2026-01-15T09:30:00.000Z",
    lastSignInAt: null,
    ...overrides,
  };
}

export function summaries(from: number, count: number): UserSummary[] {
  return Array.from({ length: count }, (_, offset) => summary(from + offset));
}

export function page(items: UserSummary[], nextCursor: string | null = null, matching = items.length): UserPage {
  return { items, nextCursor, matching, counts: { users: matching, seats: matching, removed: 0 } };
}

export function details(overrides: Partial<UserDetails> = {}): UserDetails {
  return {
    id: "u-7",
    email: "grace@acme.example",
    firstName: "Grace",
    lastName: "Hopper",
    displayName: "Grace Hopper",
    phone: "+44 20 7946 0000",
    role: "Member",
    roleIds: ["r-member"],
    permissions: [],
    isSuperUser: false,
    status: "active",
    addedOn: "2026-03-02T10:00:00.000Z",
    lastSignInAt: null,
    removedAt: null,
    mustChangePassword: false,
    invitation: null,
    version: 4,
    ...overrides,
  };
}

/** An invitation the mail server took, valid for 7 days. */
export function invitation(overrides: Partial<InvitationInfo> = {}): InvitationInfo {
  return {
    state: "sent",
    createdAt: "2026-11-30T09:00:00.000Z",
    expiresAt: "2026-12-07T09:00:00.000Z",
    sentAt: "2026-11-30T09:00:05.000Z",
    lastError: null,
    nextAttemptAt: null,
    ...overrides,
  };
}

/** Saved SMTP settings with the password in the keychain. */
export function emailSettings(overrides: Partial<EmailSettings> = {}): EmailSettings {
  return {
    host: "smtp.acme.example",
    port: 587,
    security: "starttls",
    username: "roster@acme.example",
    hasPassword: true,
    passwordStorage: "keychain",
    senderName: "Acme Office",
    senderAddress: "roster@acme.example",
    invitationDays: 7,
    timeoutSeconds: 15,
    version: 3,
    ...overrides,
  };
}

export function preview(overrides: Partial<InvitationPreview> = {}): InvitationPreview {
  return {
    workspaceName: "Acme Office",
    email: "grace@acme.example",
    firstName: "Grace",
    invitedBy: "Ada Admin",
    expiresAt: "2026-12-07T09:00:00.000Z",
    permissions: ["users.view"],
    ...overrides,
  };
}

export function role(overrides: Partial<RoleSummary> = {}): RoleSummary {
  return {
    id: "r-sales",
    name: "Sales",
    description: "Keeps customer contacts up to date.",
    isBuiltin: false,
    permissions: ["users.view", "users.edit"],
    users: 0,
    version: 2,
    ...overrides,
  };
}

/** The built-in role plus two others, sorted by name as `roles_list` answers. */
export function roles(): RoleSummary[] {
  return [
    role({
      id: "r-helpdesk",
      name: "Helpdesk",
      description: "Resets passwords.",
      permissions: ["users.view", "users.reset_password"],
      users: 3,
      version: 5,
    }),
    role({
      id: "r-member",
      name: "Member",
      description: "Sees and edits only their own profile.",
      isBuiltin: true,
      permissions: [],
      users: 12,
      version: 1,
    }),
    role(),
  ];
}

/** A Google Workspace CSV as Import reads it: five columns, one of them ignored. */
export function importFile(overrides: Partial<ImportFile> = {}): ImportFile {
  return {
    fileName: "staff.csv",
    format: "csv",
    encoding: "UTF-16 LE",
    delimiter: ";",
    source: "googleWorkspace",
    rows: 5000,
    columns: [
      { header: "First Name [Required]", samples: ["Ana", "Bo"], guess: "firstName" },
      { header: "Last Name [Required]", samples: ["Silva", "Li"], guess: "lastName" },
      { header: "Email Address [Required]", samples: ["ana@acme.example", "bo@acme.example"], guess: "email" },
      { header: "Mobile", samples: ["0700 000 001"], guess: null },
      { header: "Org Unit Path [Required]", samples: ["/", "/Sales"], guess: null },
    ],
    ...overrides,
  };
}

export function importPreview(overrides: Partial<ImportPreview> = {}): ImportPreview {
  return {
    totals: { add: 4990, update: 4, restore: 1, noChange: 3, error: 2 },
    seats: 37,
    ignored: ["Mobile", "Org Unit Path [Required]"],
    blocker: null,
    ...overrides,
  };
}

export function importRow(row: number, overrides: Partial<ImportRow> = {}): ImportRow {
  return {
    row,
    email: `user${row}@acme.example`,
    name: `User ${row}`,
    action: "add",
    status: "active",
    changes: [],
    error: null,
    ...overrides,
  };
}

export function importOutcome(overrides: Partial<ImportOutcome> = {}): ImportOutcome {
  return {
    totals: { add: 37, update: 4, restore: 1, noChange: 3, error: 2 },
    notReached: 0,
    cancelled: false,
    stoppedBy: null,
    passwordsFile: null,
    ...overrides,
  };
}
