import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ActivityEntry } from "../bindings/ActivityEntry";
import type { Permission } from "../bindings/Permission";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { UserDetails } from "../bindings/UserDetails";
import { formatDate, formatDateTime, formatTimestamp } from "../lib/format";
import { details as baseDetails, invitation, session } from "../test/fixtures";
import { applyChoice } from "../lib/i18n.svelte";
import { live } from "../lib/live.svelte";
import { appError, deferred, mockCommands, rejectWith, shellEmits } from "../test/ipc";
import UserPanel from "./UserPanel.svelte";

/** A Member holding only the built-in role, unless told otherwise. */
function details(overrides: Partial<UserDetails> = {}): UserDetails {
  return baseDetails({ roleIds: ["r-member"], permissions: [], ...overrides });
}

const everyPermission: Permission[] = [
  "users.view",
  "users.create",
  "users.edit",
  "users.remove",
  "users.reset_password",
  "users.export",
  "users.invite",
  "roles.manage",
  "reports.view",
  "settings.manage",
];

const memberRole = { id: "r-member", name: "Member", description: "", isBuiltin: true, permissions: [], users: 1, version: 1 };

function activity(index: number, overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    id: `a-${index}`,
    at: `2026-11-${String(30 - index).padStart(2, "0")}T09:15:00Z`,
    actor: "Ada Admin",
    action: "user.update",
    summary: `Change ${index}`,
    ...overrides,
  };
}

function renderPanel(user: UserDetails, who = session()) {
  const handlers = {
    onClose: vi.fn(),
    onChanged: vi.fn(),
    onSessionChanged: vi.fn(),
  };
  render(UserPanel, { userId: user.id, session: who, ...handlers });
  return handlers;
}

async function panel(): Promise<HTMLElement> {
  const element = screen.getByTestId("user-panel");
  await within(element).findByText("Email");
  return element;
}

const actionNames = [
  "Edit",
  "Remove from Workspace",
  "Restore",
  "More actions",
  "Change password",
  "Resend invitation",
  "Revoke invitation",
];

function visibleActions(container: HTMLElement): string[] {
  return actionNames.filter((name) => within(container).queryByRole("button", { name }) !== null);
}

describe("UserPanel", () => {
  it("shows the user's details, with Never for a user who never signed in", async () => {
    const user = details({ lastSignInAt: null, addedOn: "2026-03-02T10:00:00.000Z" });
    const ipc = mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    expect(within(element).getByRole("heading", { name: "Grace Hopper" })).toBeInTheDocument();
    expect(within(element).getByText("grace@acme.example")).toBeInTheDocument();
    expect(within(element).getByText("+44 20 7946 0000")).toBeInTheDocument();
    expect(within(element).getByText("Member")).toBeInTheDocument();
    expect(within(element).getByText("Active")).toBeInTheDocument();
    expect(within(element).getByText(formatDateTime("2026-03-02T10:00:00.000Z"))).toBeInTheDocument();
    expect(within(element).getByText("Never")).toBeInTheDocument();
    expect(ipc.argsOf("users_get")).toEqual([{ id: "u-7" }]);
  });

  it("shows the last sign-in time when there is one", async () => {
    const user = details({ lastSignInAt: "2026-11-30T08:15:00.000Z" });
    mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    expect(within(element).getByText(formatDateTime("2026-11-30T08:15:00.000Z"))).toBeInTheDocument();
    expect(within(element).queryByText("Never")).not.toBeInTheDocument();
  });

  it("closes on Esc", async () => {
    const user = details();
    mockCommands({ users_get: () => user });
    const { onClose } = renderPanel(user);
    await panel();

    await userEvent.keyboard("{Escape}");

    expect(onClose).toHaveBeenCalledOnce();
  });

  it("gives a super-user Edit, Remove from Workspace and More actions for another user", async () => {
    const user = details();
    mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    expect(visibleActions(element)).toEqual(["Edit", "Remove from Workspace", "More actions"]);
    await userEvent.click(within(element).getByRole("button", { name: "More actions" }));
    expect(screen.getByRole("menuitem", { name: "Change password" })).toBeInTheDocument();
  });

  it("closes only the open menu on Esc, then the panel on the next Esc", async () => {
    const user = details();
    mockCommands({ users_get: () => user });
    const { onClose } = renderPanel(user);
    const element = await panel();
    const more = within(element).getByRole("button", { name: "More actions" });

    await userEvent.click(more);
    expect(screen.getByRole("menu")).toBeInTheDocument();
    await userEvent.keyboard("{Escape}");

    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(more).toHaveFocus();
    expect(onClose).not.toHaveBeenCalled();
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledOnce();
  });

  it("offers Restore instead for a removed user", async () => {
    const user = details({ status: "removed", removedAt: "2026-10-01T12:00:00.000Z" });
    const restored = details({ status: "active", removedAt: null, version: 6 });
    const ipc = mockCommands({ users_get: () => user, users_restore: () => restored });
    const { onChanged } = renderPanel(user);
    const element = await panel();

    expect(visibleActions(element)).toEqual(["Restore"]);
    await userEvent.click(within(element).getByRole("button", { name: "Restore" }));

    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(restored));
    expect(ipc.argsOf("users_restore")).toEqual([{ id: "u-7" }]);
    expect(visibleActions(element)).toEqual(["Edit", "Remove from Workspace", "More actions"]);
  });

  it("gives no management actions on yourself: only Edit (names and phone) and Change password", async () => {
    const me = details({ id: "u-admin", displayName: "Ada Admin", role: "Super-user", isSuperUser: true });
    const ipc = mockCommands({
      users_get: () => me,
      profile_update: () => ({ ...me, firstName: "Adele", displayName: "Adele Admin", version: 5 }),
    });
    renderPanel(me, session({ userId: "u-admin", isSuperUser: true }));
    const element = await panel();

    expect(visibleActions(element)).toEqual(["Edit", "Change password"]);
    await userEvent.click(within(element).getByRole("button", { name: "Edit" }));
    expect(within(element).queryByRole("radio", { name: "Super-user" })).not.toBeInTheDocument();
    const firstName = within(element).getByLabelText("First name");
    await userEvent.clear(firstName);
    await userEvent.type(firstName, "Adele{Enter}");

    await waitFor(() => expect(ipc.argsOf("profile_update")).toHaveLength(1));
    expect(ipc.argsOf("profile_update")[0]).toEqual({
      input: { firstName: "Adele", lastName: "Hopper", phone: "+44 20 7946 0000", expectedVersion: 4 },
    });
  });

  it("shows a Member only Edit and Change password on their own profile", async () => {
    const me = details({ id: "u-member" });
    mockCommands({ users_get: () => me });
    renderPanel(me, session({ userId: "u-member", isSuperUser: false, permissions: [] }));
    const element = await panel();

    expect(visibleActions(element)).toEqual(["Edit", "Change password"]);
  });

  it("shows a Member no actions on another user", async () => {
    const user = details();
    mockCommands({ users_get: () => user });
    renderPanel(user, session({ userId: "u-member", isSuperUser: false, permissions: [] }));
    const element = await panel();

    expect(visibleActions(element)).toEqual([]);
  });

  it("offers only Edit to someone with users.view and users.edit looking at a Member", async () => {
    const user = details();
    mockCommands({ users_get: () => user });
    renderPanel(user, session({ userId: "u-editor", isSuperUser: false, permissions: ["users.view", "users.edit"] }));
    const element = await panel();

    expect(visibleActions(element)).toEqual(["Edit"]);
  });

  it("gives a super-user all three: Edit, Remove from Workspace and Change password", async () => {
    const user = details({ roleIds: ["r-helpdesk"], role: "Helpdesk", permissions: ["users.view", "users.reset_password"] });
    mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    expect(visibleActions(element)).toEqual(["Edit", "Remove from Workspace", "More actions"]);
    await userEvent.click(within(element).getByRole("button", { name: "More actions" }));
    expect(screen.getByRole("menuitem", { name: "Change password" })).toBeInTheDocument();
  });

  it("offers nothing on a super-user to someone who is not one, whatever they hold", async () => {
    const user = details({ isSuperUser: true, role: "Super-user", roleIds: [], permissions: everyPermission });
    mockCommands({ users_get: () => user });
    const holdsAll = everyPermission.filter((permission) => permission !== "settings.manage");
    renderPanel(user, session({ userId: "u-manager", isSuperUser: false, permissions: holdsAll }));
    const element = await panel();

    expect(visibleActions(element)).toEqual([]);
  });

  it("offers nothing on a user who holds a permission the signed-in user lacks", async () => {
    const user = details({ role: "Finance", roleIds: ["r-finance"], permissions: ["users.view", "reports.view"] });
    mockCommands({ users_get: () => user });
    const manager: Permission[] = ["users.view", "users.edit", "users.remove", "users.reset_password"];
    renderPanel(user, session({ userId: "u-manager", isSuperUser: false, permissions: manager }));
    const element = await panel();

    expect(visibleActions(element)).toEqual([]);
  });

  it("offers Remove and Change password, not Edit, to someone with users.remove and users.reset_password", async () => {
    const user = details();
    mockCommands({ users_get: () => user });
    const helpdesk: Permission[] = ["users.view", "users.remove", "users.reset_password"];
    renderPanel(user, session({ userId: "u-helpdesk", isSuperUser: false, permissions: helpdesk }));
    const element = await panel();

    expect(visibleActions(element)).toEqual(["Remove from Workspace", "More actions"]);
  });

  it("offers Restore of a removed user only with users.remove", async () => {
    const user = details({ status: "removed", removedAt: "2026-10-01T12:00:00.000Z" });
    mockCommands({ users_get: () => user });
    renderPanel(user, session({ userId: "u-editor", isSuperUser: false, permissions: ["users.view", "users.edit"] }));
    const element = await panel();

    expect(visibleActions(element)).toEqual([]);
  });

  it("lists every role the user holds", async () => {
    const user = details({ role: "Helpdesk, Sales", roleIds: ["r-helpdesk", "r-sales"] });
    mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    const roles = within(element).getByText("Roles", { selector: "dt" });
    expect(roles.nextElementSibling).toHaveTextContent("Helpdesk, Sales");
  });

  it("saves an edit of another user with the version it was read at, and shows a conflict with Reload", async () => {
    const user = details({ version: 4 });
    const fresh = details({ version: 9, lastName: "Murray Hopper" });
    let reads = 0;
    const ipc = mockCommands({
      users_get: () => (++reads === 1 ? user : fresh),
      roles_list: () => [memberRole],
      users_update: rejectWith(appError("CONFLICT", "Someone else changed this user. Reload to see their changes.")),
    });
    renderPanel(user);
    const element = await panel();

    await userEvent.click(within(element).getByRole("button", { name: "Edit" }));
    await userEvent.click(within(element).getByRole("radio", { name: "Super-user" }));
    await userEvent.click(within(element).getByRole("button", { name: "Save" }));

    const alert = await within(element).findByTestId("form-error");
    expect(alert).toHaveTextContent("Someone else changed this user. Reload to see their changes.");
    expect(ipc.argsOf("users_update")).toEqual([
      {
        id: "u-7",
        input: {
          firstName: "Grace",
          lastName: "Hopper",
          phone: "+44 20 7946 0000",
          isSuperUser: true,
          roleIds: [],
          expectedVersion: 4,
        },
      },
    ]);
    await userEvent.click(within(alert).getByRole("button", { name: "Reload" }));
    await waitFor(() => expect(within(element).getByLabelText("Last name")).toHaveValue("Murray Hopper"));
  });

  it("asks before removing and shows LAST_SUPER_USER inside the dialog", async () => {
    const user = details({ isSuperUser: true, role: "Super-user" });
    const ipc = mockCommands({
      users_get: () => user,
      users_remove: rejectWith(appError("LAST_SUPER_USER", "The Workspace needs at least one active super-user.")),
    });
    renderPanel(user);
    const element = await panel();

    await userEvent.click(within(element).getByRole("button", { name: "Remove from Workspace" }));
    const dialog = screen.getByRole("alertdialog", { name: "Remove Grace Hopper from the Workspace?" });
    expect(dialog).toHaveTextContent("They will lose access and no longer count as a seat. You can restore them later.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Remove" }));

    expect(await within(dialog).findByTestId("form-error")).toHaveTextContent(
      "The Workspace needs at least one active super-user.",
    );
    expect(ipc.argsOf("users_remove")).toEqual([{ id: "u-7" }]);
  });

  it("changes another user's password with the checkbox ticked by default", async () => {
    const user = details();
    const ipc = mockCommands({ users_get: () => user, users_reset_password: () => null });
    renderPanel(user);
    const element = await panel();

    await userEvent.click(within(element).getByRole("button", { name: "More actions" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Change password" }));
    const dialog = screen.getByRole("dialog", { name: "Change password" });
    expect(within(dialog).getByRole("checkbox", { name: "Require change at next sign-in" })).toBeChecked();
    expect(dialog).toHaveTextContent("The password will not be shown again.");
    await userEvent.type(within(dialog).getByLabelText("New password"), "correct horse battery");
    await userEvent.type(within(dialog).getByLabelText("Confirm password"), "correct horse battery{Enter}");

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(ipc.argsOf("users_reset_password")).toEqual([
      {
        id: "u-7",
        input: { newPassword: "correct horse battery", confirmPassword: "correct horse battery", mustChangePassword: true },
      },
    ]);
    expect(within(element).getByRole("status")).toHaveTextContent("Password changed.");
  });
});

describe("UserPanel activity", () => {
  async function openActivity(element: HTMLElement): Promise<HTMLElement> {
    await userEvent.click(within(element).getByRole("tab", { name: "Activity" }));
    return within(element).getByRole("tabpanel", { name: "Activity" });
  }

  it("loads the user's changes when the Activity tab is first opened", async () => {
    const user = details();
    const entries = [
      activity(0, { summary: "Edited first name and phone", at: "2026-11-30T09:15:00Z" }),
      activity(1, { summary: "Added by Ada Admin", actor: "Roster", action: "user.create", at: "2026-11-02T16:40:00Z" }),
    ];
    const ipc = mockCommands({ users_get: () => user, users_activity: () => entries });
    renderPanel(user);
    const element = await panel();
    expect(ipc.argsOf("users_activity")).toEqual([]);

    const tabpanel = await openActivity(element);

    const items = await within(tabpanel).findAllByRole("listitem");
    expect(ipc.argsOf("users_activity")).toEqual([{ id: "u-7" }]);
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent("Edited first name and phone");
    expect(items[0]).toHaveTextContent("Ada Admin");
    const time = items[0]!.querySelector("time");
    expect(time).toHaveTextContent(formatDateTime("2026-11-30T09:15:00Z"));
    expect(time).toHaveAttribute("datetime", "2026-11-30T09:15:00Z");
    expect(time).toHaveAttribute("title", formatTimestamp("2026-11-30T09:15:00Z"));
    expect(items[1]).toHaveTextContent("Roster");
    expect(within(element).queryByRole("tabpanel", { name: "Details" })).not.toBeInTheDocument();

    await userEvent.click(within(element).getByRole("tab", { name: "Details" }));
    await userEvent.click(within(element).getByRole("tab", { name: "Activity" }));
    expect(ipc.argsOf("users_activity")).toHaveLength(1);
  });

  it("says so when nothing was recorded", async () => {
    const user = details();
    mockCommands({ users_get: () => user, users_activity: () => [] });
    renderPanel(user);
    const tabpanel = await openActivity(await panel());

    expect(await within(tabpanel).findByText("No changes recorded yet.")).toBeInTheDocument();
  });

  it("shows an error with Retry, which loads again", async () => {
    const user = details();
    let calls = 0;
    const ipc = mockCommands({
      users_get: () => user,
      users_activity: () =>
        ++calls === 1 ? Promise.reject(appError("INTERNAL", "The activity could not be read.")) : [activity(0)],
    });
    renderPanel(user);
    const tabpanel = await openActivity(await panel());

    const alert = await within(tabpanel).findByTestId("form-error");
    expect(alert).toHaveTextContent("The activity could not be read.");
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));

    expect(await within(tabpanel).findByText("Change 0")).toBeInTheDocument();
    expect(within(tabpanel).queryByTestId("form-error")).not.toBeInTheDocument();
    expect(ipc.argsOf("users_activity")).toHaveLength(2);
  });

  it("loads again after the panel changes the user", async () => {
    const user = details({ status: "removed", removedAt: "2026-10-01T12:00:00.000Z" });
    const restored = details({ status: "active", removedAt: null, version: 6 });
    let calls = 0;
    const ipc = mockCommands({
      users_get: () => user,
      users_restore: () => restored,
      users_activity: () =>
        ++calls === 1 ? [activity(1)] : [activity(0, { summary: "Restored to the Workspace" }), activity(1)],
    });
    renderPanel(user);
    const element = await panel();
    const tabpanel = await openActivity(element);
    await within(tabpanel).findByText("Change 1");

    await userEvent.click(within(element).getByRole("tab", { name: "Details" }));
    await userEvent.click(within(element).getByRole("button", { name: "Restore" }));
    await waitFor(() => expect(ipc.argsOf("users_activity")).toHaveLength(2));
    await userEvent.click(within(element).getByRole("tab", { name: "Activity" }));

    expect(await within(tabpanel).findByText("Restored to the Workspace")).toBeInTheDocument();
  });

  it("switches tabs with the arrow keys", async () => {
    const user = details();
    mockCommands({ users_get: () => user, users_activity: () => [] });
    renderPanel(user);
    const element = await panel();
    const detailsTab = within(element).getByRole("tab", { name: "Details" });
    const activityTab = within(element).getByRole("tab", { name: "Activity" });
    expect(within(element).getByRole("tablist")).toBeInTheDocument();
    expect(detailsTab).toHaveAttribute("aria-selected", "true");
    expect(activityTab).toHaveAttribute("tabindex", "-1");

    detailsTab.focus();
    await userEvent.keyboard("{ArrowRight}");

    expect(activityTab).toHaveFocus();
    expect(activityTab).toHaveAttribute("aria-selected", "true");
    expect(detailsTab).toHaveAttribute("aria-selected", "false");
    expect(within(element).getByRole("tabpanel")).toHaveAttribute("id", activityTab.getAttribute("aria-controls"));
    await within(element).findByText("No changes recorded yet.");

    await userEvent.keyboard("{ArrowLeft}");
    expect(detailsTab).toHaveFocus();
    expect(within(element).getByRole("tabpanel", { name: "Details" })).toHaveTextContent("grace@acme.example");
    await userEvent.keyboard("{ArrowLeft}");
    expect(activityTab).toHaveFocus();
  });
});

describe("UserPanel invitation", () => {
  let stopLive: (() => void) | null = null;
  const LOCAL: SyncStatus = { state: "local", problem: null, summary: null };
  const REPLICA: SyncStatus = {
    state: "synced",
    problem: null,
    summary: {
      hubAddress: "https://hub.example.org",
      lastSyncedAt: "2026-12-02T08:00:00Z",
      waiting: 0,
      notApplied: 0,
      tokenStorage: "keychain",
    },
  };

  afterEach(() => {
    stopLive?.();
    stopLive = null;
  });

  function invited(overrides: Partial<UserDetails> = {}): UserDetails {
    return details({ status: "invited", invitation: invitation(), ...overrides });
  }

  function invitationRow(element: HTMLElement): HTMLElement {
    return within(element).getByTestId("invitation-state");
  }

  const failure = "could not reach smtp.acme.example:587: connection refused";

  it.each([
    { name: "queued", state: invitation({ state: "queued", sentAt: null }), text: "Waiting to be sent" },
    {
      name: "queued after a failed attempt",
      state: invitation({ state: "queued", sentAt: null, lastError: failure, nextAttemptAt: "2026-11-30T09:05:00.000Z" }),
      text: `Not sent yet: ${failure} Roster tries again. Next try ${formatDateTime("2026-11-30T09:05:00.000Z")}`,
    },
    { name: "sent", state: invitation(), text: `Sent ${formatDateTime("2026-11-30T09:00:05.000Z")}` },
    {
      name: "not sent",
      state: invitation({ state: "notSent", sentAt: null, lastError: "smtp.acme.example:587 refused the message (550): no such mailbox" }),
      text: "Not sent: smtp.acme.example:587 refused the message (550): no such mailbox",
    },
    { name: "expired", state: invitation({ state: "expired" }), text: `Expired ${formatDate("2026-12-07T09:00:00.000Z")}` },
    { name: "accepted", state: invitation({ state: "accepted" }), text: "Accepted" },
    { name: "revoked", state: invitation({ state: "revoked" }), text: "Revoked" },
  ])("says where an invitation stands: $name", async ({ state, text }) => {
    const user = invited({ invitation: state });
    mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    expect(within(element).getByText("Invitation", { selector: "dt" })).toBeInTheDocument();
    expect(invitationRow(element).textContent?.replace(/\s+/g, " ").trim()).toContain(text);
  });

  it("says until when a sent invitation is valid", async () => {
    const user = invited();
    mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    expect(invitationRow(element)).toHaveTextContent(`Valid until ${formatDateTime("2026-12-07T09:00:00.000Z")}`);
  });

  it("shows no Invitation row for an active user", async () => {
    const user = details({ invitation: invitation({ state: "accepted" }) });
    mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    expect(within(element).queryByText("Invitation", { selector: "dt" })).not.toBeInTheDocument();
  });

  it("offers Resend and Revoke to holders of users.invite who may manage the user", async () => {
    const user = invited();
    mockCommands({ users_get: () => user });
    renderPanel(user, session({ userId: "u-inviter", isSuperUser: false, permissions: ["users.view", "users.invite"] }));
    const element = await panel();

    expect(visibleActions(element)).toEqual(["Resend invitation", "Revoke invitation"]);
  });

  it("offers neither without users.invite, nor on a user they may not manage", async () => {
    const user = invited();
    mockCommands({ users_get: () => user });
    renderPanel(user, session({ userId: "u-editor", isSuperUser: false, permissions: ["users.view", "users.edit"] }));
    expect(visibleActions(await panel())).toEqual(["Edit"]);
  });

  it("offers neither on an invited super-user to someone who is not one", async () => {
    const user = invited({ isSuperUser: true, role: "Super-user", roleIds: [], permissions: everyPermission });
    mockCommands({ users_get: () => user });
    renderPanel(user, session({ userId: "u-inviter", isSuperUser: false, permissions: ["users.view", "users.invite"] }));
    expect(visibleActions(await panel())).toEqual([]);
  });

  it("resends and shows the new invitation, telling the list", async () => {
    const user = invited({ invitation: invitation({ state: "expired" }) });
    const resent = invited({ invitation: invitation({ state: "queued", sentAt: null }) });
    const ipc = mockCommands({ users_get: () => user, invitations_resend: () => resent });
    const { onChanged } = renderPanel(user);
    const element = await panel();

    await userEvent.click(within(element).getByRole("button", { name: "Resend invitation" }));

    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(resent));
    expect(ipc.argsOf("invitations_resend")).toEqual([{ id: "u-7" }]);
    expect(invitationRow(element)).toHaveTextContent("Waiting to be sent");
    expect(within(element).getByRole("status")).toHaveTextContent(
      "New invitation queued. The earlier code no longer works.",
    );
  });

  it("shows a failed resend in the panel", async () => {
    const user = invited();
    mockCommands({
      users_get: () => user,
      invitations_resend: rejectWith(appError("EMAIL_NOT_CONFIGURED", "Email invitations need email to be set up first.")),
    });
    renderPanel(user);
    const element = await panel();

    await userEvent.click(within(element).getByRole("button", { name: "Resend invitation" }));

    expect(await within(element).findByTestId("form-error")).toHaveTextContent(
      "Email invitations need email to be set up first.",
    );
  });

  it("asks before revoking, then shows the user removed with Restore", async () => {
    const user = invited();
    const revoked = invited({
      status: "removed",
      removedAt: "2026-12-01T08:00:00.000Z",
      invitation: invitation({ state: "revoked" }),
      version: 5,
    });
    const ipc = mockCommands({ users_get: () => user, invitations_revoke: () => revoked });
    const { onChanged } = renderPanel(user);
    const element = await panel();

    await userEvent.click(within(element).getByRole("button", { name: "Revoke invitation" }));
    const dialog = screen.getByRole("alertdialog", { name: "Revoke the invitation of Grace Hopper?" });
    expect(dialog).toHaveAccessibleDescription(
      "The code in the email will stop working and Grace Hopper is removed from the Workspace.",
    );
    await userEvent.click(within(dialog).getByRole("button", { name: "Revoke invitation" }));

    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(revoked));
    expect(ipc.argsOf("invitations_revoke")).toEqual([{ id: "u-7" }]);
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(visibleActions(element)).toEqual(["Restore"]);
    expect(within(element).getByRole("status")).toHaveTextContent("Invitation revoked.");
  });

  it("keeps Cancel on the revoke dialog harmless", async () => {
    const user = invited();
    const ipc = mockCommands({ users_get: () => user });
    renderPanel(user);
    const element = await panel();

    await userEvent.click(within(element).getByRole("button", { name: "Revoke invitation" }));
    await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Cancel" }));

    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(ipc.argsOf("invitations_revoke")).toEqual([]);
  });

  it("looks again when the shell says the user changed (the mail loop sent the invitation), not for others", async () => {
    const waiting = invited({ invitation: invitation({ state: "queued", sentAt: null }) });
    const sent = invited();
    let reads = 0;
    const ipc = mockCommands({ users_get: () => (++reads === 1 ? waiting : sent), sync_status: () => LOCAL });
    stopLive = live.start();
    const { onChanged } = renderPanel(waiting);
    const element = await panel();
    expect(invitationRow(element)).toHaveTextContent("Waiting to be sent");

    await shellEmits("data-changed", { changes: [{ table: "users", id: "someone-else", version: 3 }], everything: false });
    await shellEmits("data-changed", { changes: [{ table: "roles", id: waiting.id, version: 3 }], everything: false });
    expect(ipc.argsOf("users_get")).toHaveLength(1);

    await shellEmits("data-changed", { changes: [], everything: true });
    await waitFor(() => expect(invitationRow(element)).toHaveTextContent(`Sent ${formatDateTime("2026-11-30T09:00:05.000Z")}`));
    expect(ipc.argsOf("users_get")).toHaveLength(2);
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("keeps what the hub answered when its news crosses an action's own answer", async () => {
    const removed = details({ status: "removed", removedAt: "2026-10-01T12:00:00.000Z", version: 4 });
    // This computer guessed "invited" (it holds no other user's password); the hub knows better.
    const guessed = details({ status: "invited", removedAt: null, version: 5 });
    const hubSays = details({ status: "active", removedAt: null, version: 5 });
    const restoring = deferred<UserDetails>();
    let current = removed;
    mockCommands({
      users_get: () => current,
      users_restore: () => restoring.promise,
      sync_status: () => REPLICA,
    });
    stopLive = live.start();
    const { onChanged } = renderPanel(removed);
    const element = await panel();
    await waitFor(() => expect(live.status).toEqual(REPLICA));

    await userEvent.click(within(element).getByRole("button", { name: "Restore" }));
    current = hubSays;
    await shellEmits("data-changed", { changes: [], everything: true });
    restoring.resolve(guessed);

    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(guessed));
    await waitFor(() => {
      expect(within(element).getByText("Active")).toBeInTheDocument();
      expect(within(element).queryByText("Invited")).not.toBeInTheDocument();
    });
  });

  it("tells the list when the hub brought a change of the open user", async () => {
    const waiting = invited({ invitation: invitation({ state: "queued", sentAt: null }) });
    const joined = details({ status: "active", invitation: invitation({ state: "accepted" }), version: 5 });
    let reads = 0;
    mockCommands({ users_get: () => (++reads === 1 ? waiting : joined), sync_status: () => LOCAL });
    stopLive = live.start();
    const { onChanged } = renderPanel(waiting);
    const element = await panel();

    await shellEmits("data-changed", { changes: [{ table: "users", id: waiting.id, version: 5 }], everything: false });

    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(joined));
    expect(within(element).queryByTestId("invitation-state")).not.toBeInTheDocument();
    expect(within(element).getByText("Active")).toBeInTheDocument();
  });
});

describe("My profile → Language", () => {
  afterEach(() => applyChoice(null));

  it("speaks the language chosen at once, keeps it for this user on this computer, and can follow the system again", async () => {
    const me = session();
    const ipc = mockCommands({
      users_get: () => details({ id: me.userId, displayName: me.displayName }),
      preferences_language_set: () => null,
    });
    renderPanel(details({ id: me.userId }), me);
    const element = await panel();
    const choice = within(element).getByLabelText("Language");
    expect(choice).toHaveDisplayValue("Same as the system (English)");

    await userEvent.selectOptions(choice, "es");
    expect(await within(element).findByLabelText("Idioma")).toHaveDisplayValue("Español");
    expect(within(element).getByText("Correo electrónico")).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("es");

    await userEvent.selectOptions(within(element).getByLabelText("Idioma"), "");
    expect(await within(element).findByLabelText("Language")).toHaveDisplayValue("Same as the system (English)");
    expect(ipc.argsOf("preferences_language_set")).toEqual([{ language: "es" }, { language: null }]);
  });

  it("stays as it was and says why when the choice cannot be saved", async () => {
    const me = session();
    mockCommands({
      users_get: () => details({ id: me.userId }),
      preferences_language_set: rejectWith(appError("IO", "The language could not be saved: disk full")),
    });
    renderPanel(details({ id: me.userId }), me);
    const element = await panel();
    await userEvent.selectOptions(within(element).getByLabelText("Language"), "es");

    expect(await within(element).findByRole("alert")).toHaveTextContent("The language could not be saved: disk full");
    expect(within(element).getByLabelText("Language")).toHaveDisplayValue("Same as the system (English)");
  });

  it("is not offered on someone else's panel", async () => {
    mockCommands({ users_get: () => details({ id: "u-other" }) });
    renderPanel(details({ id: "u-other" }));
    const element = await panel();
    expect(within(element).queryByLabelText("Language")).not.toBeInTheDocument();
  });
});
