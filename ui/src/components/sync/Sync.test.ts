import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChangeNotApplied } from "../../bindings/ChangeNotApplied";
import type { SyncStatus } from "../../bindings/SyncStatus";
import { live } from "../../lib/live.svelte";
import { page, roles, session, summaries } from "../../test/fixtures";
import { appError, channelOf, deferred, mockCommands, rejectWith, shellEmits } from "../../test/ipc";
import JoinHub from "../../views/JoinHub.svelte";
import AppShell from "../AppShell.svelte";
import ChangesNotAppliedDialog from "./ChangesNotAppliedDialog.svelte";
import WorkspaceSharing from "./WorkspaceSharing.svelte";

function replica(overrides: Partial<SyncStatus> = {}, waiting = 0, notApplied = 0): SyncStatus {
  return {
    state: "synced",
    problem: null,
    summary: {
      hubAddress: "https://hub.example.org",
      lastSyncedAt: "2026-12-02T08:00:00Z",
      waiting,
      notApplied,
      tokenStorage: "keychain",
    },
    ...overrides,
  };
}

const LOCAL: SyncStatus = { state: "local", problem: null, summary: null };

function refused(overrides: Partial<ChangeNotApplied> = {}): ChangeNotApplied {
  return {
    seq: 7,
    action: "editUser",
    subject: "Bea Ortiz",
    tried: [{ field: "roles", values: ["Admin"] }],
    now: [
      { field: "email", values: ["bea@example.com"] },
      { field: "roles", values: ["Viewer"] },
      { field: "status", values: ["active"] },
    ],
    error: appError("CONFLICT", "Someone else changed this user's roles first"),
    madeAt: "2026-12-02T07:30:00Z",
    ...overrides,
  };
}

let stopLive: (() => void) | null = null;

afterEach(() => {
  stopLive?.();
  stopLive = null;
});

function renderShell(status: SyncStatus, extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const ipc = mockCommands({
    users_list: () => page(summaries(0, 2)),
    roles_list: () => roles(),
    settings_email_get: () => Promise.reject(appError("FORBIDDEN", "no")),
    sync_status: () => status,
    sync_now: () => null,
    ...extra,
  });
  render(AppShell, { session: session(), onSessionChanged: vi.fn(), onSignedOut: vi.fn() });
  return ipc;
}

describe("the sync status in the top bar", () => {
  it("is not there for a Workspace of this computer only", async () => {
    const ipc = renderShell(LOCAL);
    await screen.findByRole("heading", { level: 1, name: "Users" });
    await waitFor(() => expect(ipc.argsOf("sync_status")).toHaveLength(1));
    expect(screen.queryByTestId("sync-status")).not.toBeInTheDocument();
  });

  it("says Synced, then what the loop reports: offline with the changes waiting, and those not applied", async () => {
    renderShell(replica());
    const status = await screen.findByTestId("sync-status");
    expect(status).toHaveTextContent("Synced");

    await shellEmits("sync-status", replica({ state: "offline", problem: "The hub cannot be reached: no connection." }, 1));
    await waitFor(() => expect(status).toHaveTextContent("Offline — 1 change waiting"));

    await shellEmits("sync-status", replica({ state: "syncing" }, 0, 2));
    await waitFor(() => expect(status).toHaveTextContent("Syncing… · 2 changes not applied"));
  });

  it("shows the hub, the last sync and why it is offline; Sync now asks the loop", async () => {
    const ipc = renderShell(replica({ state: "offline", problem: "The hub cannot be reached: no connection." }, 3));
    await userEvent.click(await screen.findByTestId("sync-status"));
    const details = screen.getByRole("group", { name: "Sync with the hub" });
    expect(details).toHaveTextContent("https://hub.example.org");
    expect(details).toHaveTextContent("The hub cannot be reached: no connection.");
    expect(details).toHaveTextContent("3 changes");

    await userEvent.click(within(details).getByRole("button", { name: "Sync now" }));
    expect(ipc.argsOf("sync_now")).toHaveLength(1);

    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("group", { name: "Sync with the hub" })).not.toBeInTheDocument();
  });

  it("asks for the password when the hub session ended, and sends it", async () => {
    const ipc = renderShell(
      replica({ state: "signInNeeded", problem: "Your sign-in at the hub ended. Enter your password to sync again." }),
      { hub_sign_in_again: () => null },
    );
    const status = await screen.findByTestId("sync-status");
    expect(status).toHaveTextContent("Sign-in needed");
    await userEvent.click(status);
    await userEvent.click(screen.getByRole("button", { name: "Sign in to the hub again" }));
    const dialog = screen.getByRole("dialog", { name: "Sign in to the hub again" });
    await userEvent.type(within(dialog).getByLabelText("Password"), "Lantern-Orchid-Fjord-77");
    await userEvent.click(within(dialog).getByRole("button", { name: "Sign in" }));

    await waitFor(() => expect(ipc.argsOf("hub_sign_in_again")).toEqual([{ password: "Lantern-Orchid-Fjord-77" }]));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("opens Changes not applied from the status", async () => {
    renderShell(replica({}, 0, 1), { sync_changes_not_applied: () => [refused()] });
    await userEvent.click(await screen.findByTestId("sync-status"));
    await userEvent.click(screen.getByRole("button", { name: "Changes not applied (1)" }));
    expect(await screen.findByTestId("change-not-applied")).toHaveTextContent("Edit: Bea Ortiz");
  });
});

describe("Changes not applied", () => {
  it("shows what was tried, what the Workspace holds now and why it was refused", async () => {
    mockCommands({
      sync_changes_not_applied: () => [
        refused(),
        refused({
          seq: 3,
          action: "addUser",
          subject: "dan@example.com",
          tried: [
            { field: "email", values: ["dan@example.com"] },
            { field: "superUser", values: [] },
          ],
          now: null,
          error: appError("EMAIL_TAKEN", "A user with this email already exists"),
        }),
      ],
    });
    render(ChangesNotAppliedDialog, { onClose: vi.fn() });
    const [edit, add] = await screen.findAllByTestId("change-not-applied");
    expect(edit).toHaveTextContent("Someone changed this on another computer before your change reached the hub.");
    expect(edit).toHaveTextContent(/You tried\s*Roles\s*Admin/);
    expect(edit).toHaveTextContent(/holds now\s*Email\s*bea@example.com\s*Roles\s*Viewer\s*Status\s*Active/);
    expect(add).toHaveTextContent("Add user: dan@example.com");
    expect(add).toHaveTextContent("Super-user");
    expect(add).toHaveTextContent("Nothing: there is no such user.");
    expect(add).toHaveTextContent("A user with this email already exists");
  });

  it("Retry and Discard name the change and the list reads again; a failed Retry says why there", async () => {
    let list = [refused(), refused({ seq: 9, subject: "Cy Lee" })];
    const ipc = mockCommands({
      sync_changes_not_applied: () => list,
      sync_change_retry: rejectWith(appError("FORBIDDEN", "You may no longer edit this user's roles")),
      sync_change_discard: ({ seq }) => {
        list = list.filter((c) => c.seq !== seq);
        return null;
      },
      sync_status: () => replica(),
    });
    render(ChangesNotAppliedDialog, { onClose: vi.fn() });
    const [first] = await screen.findAllByTestId("change-not-applied");
    await userEvent.click(within(first!).getByRole("button", { name: "Retry" }));
    expect(await within(first!).findByText("You may no longer edit this user's roles")).toBeInTheDocument();
    expect(ipc.argsOf("sync_change_retry")).toEqual([{ seq: 7 }]);

    await userEvent.click(within(first!).getByRole("button", { name: "Discard" }));
    await waitFor(() => expect(screen.getAllByTestId("change-not-applied")).toHaveLength(1));
    expect(ipc.argsOf("sync_change_discard")).toEqual([{ seq: 7 }]);
    expect(screen.getByTestId("change-not-applied")).toHaveTextContent("Cy Lee");
  });
  it("shows what the Workspace holds now as changes arrive from the hub", async () => {
    let now = refused();
    mockCommands({ sync_changes_not_applied: () => [now], sync_status: () => replica() });
    stopLive = live.start();
    render(ChangesNotAppliedDialog, { onClose: vi.fn() });
    const change = await screen.findByTestId("change-not-applied");
    expect(change).toHaveTextContent(/Status\s*Active/);

    now = refused({ now: [{ field: "status", values: ["removed"] }] });
    await shellEmits("data-changed", { changes: [{ table: "users", id: "u-bea", version: 9 }], everything: false });
    await waitFor(() => expect(screen.getByTestId("change-not-applied")).toHaveTextContent(/Status\s*Removed/));
  });
});

describe("Settings → Workspace", () => {
  it("shares through a hub with progress, then shows the hub", async () => {
    const answer = deferred<SyncStatus>();
    const ipc = mockCommands({ sync_status: () => LOCAL, hub_share: () => answer.promise });
    stopLive = live.start();
    render(WorkspaceSharing, { session: session({ isSuperUser: true }) });
    await userEvent.click(await screen.findByRole("button", { name: "Share through a Roster hub" }));
    const dialog = screen.getByRole("dialog", { name: "Share through a Roster hub" });
    const address = within(dialog).getByLabelText("Hub address");
    await userEvent.clear(address);
    await userEvent.type(address, "https://hub.example.org");
    await userEvent.type(within(dialog).getByLabelText("Enrolment code"), "ABCD-EFGH");
    await userEvent.type(within(dialog).getByLabelText("Your password"), "Lantern-Orchid-Fjord-77");
    await userEvent.click(within(dialog).getByRole("button", { name: "Share" }));

    await waitFor(() => expect(ipc.argsOf("hub_share")).toHaveLength(1));
    const [args] = ipc.argsOf("hub_share");
    expect(args!.input).toEqual({
      hubAddress: "https://hub.example.org",
      code: "ABCD-EFGH",
      password: "Lantern-Orchid-Fjord-77",
      officeCa: null,
    });
    channelOf(args!.onProgress).send({ rows: 400, total: 1000 });
    expect(await within(dialog).findByTestId("copy-progress")).toHaveTextContent("400 of 1,000 users");

    answer.resolve(replica());
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("workspace-sharing")).toHaveTextContent("https://hub.example.org");
    expect(screen.getByRole("button", { name: "Leave the hub" })).toBeInTheDocument();
  });

  it("keeps the sync loop's word over Share's own answer when the loop spoke first", async () => {
    const answer = deferred<SyncStatus>();
    const ipc = mockCommands({ sync_status: () => LOCAL, hub_share: () => answer.promise });
    stopLive = live.start();
    render(WorkspaceSharing, { session: session({ isSuperUser: true }) });
    await userEvent.click(await screen.findByRole("button", { name: "Share through a Roster hub" }));
    const dialog = screen.getByRole("dialog", { name: "Share through a Roster hub" });
    await userEvent.type(within(dialog).getByLabelText("Hub address"), "https://hub.example.org");
    await userEvent.type(within(dialog).getByLabelText("Enrolment code"), "ABCD-EFGH");
    await userEvent.type(within(dialog).getByLabelText("Your password"), "Lantern-Orchid-Fjord-77");
    await userEvent.click(within(dialog).getByRole("button", { name: "Share" }));
    await waitFor(() => expect(ipc.argsOf("hub_share")).toHaveLength(1));

    await shellEmits("sync-status", replica({ state: "synced" }));
    answer.resolve(replica({ state: "syncing" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(live.status?.state).toBe("synced");
  });

  it("says when changes would be lost by leaving, and leaves discarding them only after the question", async () => {
    const ipc = mockCommands({ sync_status: () => replica({}, 2), hub_leave: () => LOCAL });
    stopLive = live.start();
    render(WorkspaceSharing, { session: session({ isSuperUser: true }) });
    await userEvent.click(await screen.findByRole("button", { name: "Leave the hub" }));
    const question = screen.getByRole("alertdialog", { name: "Leave the hub and discard 2 changes?" });
    await userEvent.click(within(question).getByRole("button", { name: "Leave the hub" }));

    await waitFor(() => expect(ipc.argsOf("hub_leave")).toEqual([{ discardWaiting: true }]));
    expect(await screen.findByText("This Workspace lives on this computer only.")).toBeInTheDocument();
  });

  it("offers sharing to super-users only", async () => {
    mockCommands({ sync_status: () => LOCAL });
    stopLive = live.start();
    render(WorkspaceSharing, { session: session({ isSuperUser: false }) });
    expect(await screen.findByText("A super-user can share it through a Roster hub.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Share through a Roster hub" })).not.toBeInTheDocument();
  });
});

describe("Join a Workspace on a hub", () => {
  it("asks which Workspace when the account fits several, then joins that one", async () => {
    const signedIn = session();
    let tries = 0;
    const ipc = mockCommands({
      hub_join: ({ input }) =>
        ++tries === 1
          ? {
              kind: "chooseWorkspace",
              workspaces: [
                { id: "w1", name: "Acme Ltd" },
                { id: "w2", name: "Acme Lisbon" },
              ],
            }
          : { kind: "signedIn", session: { ...signedIn, workspaceId: (input as { workspaceId: string }).workspaceId } },
    });
    const onSignedIn = vi.fn();
    render(JoinHub, { onSignedIn, onBack: vi.fn() });
    const address = screen.getByLabelText("Hub address");
    await userEvent.clear(address);
    await userEvent.type(address, "https://hub.example.org");
    await userEvent.type(screen.getByLabelText("Email"), "ana@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "Lantern-Orchid-Fjord-77");
    await userEvent.click(screen.getByRole("button", { name: "Join" }));

    await userEvent.selectOptions(await screen.findByLabelText("Workspace"), "Acme Lisbon");
    await userEvent.click(screen.getByRole("button", { name: "Join" }));

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith({ ...signedIn, workspaceId: "w2" }));
    expect(ipc.argsOf("hub_join").map((a) => (a.input as { workspaceId: string | null }).workspaceId)).toEqual([
      null,
      "w2",
    ]);
  });

  it("puts a wrong password under Password and empties it", async () => {
    mockCommands({ hub_join: rejectWith(appError("INVALID_CREDENTIALS", "Email or password is not right", "password")) });
    render(JoinHub, { onSignedIn: vi.fn(), onBack: vi.fn() });
    await userEvent.type(screen.getByLabelText("Email"), "ana@example.com");
    const password = screen.getByLabelText("Password");
    await userEvent.type(password, "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Join" }));
    expect(await screen.findByText("Email or password is not right")).toBeInTheDocument();
    expect(password).toHaveValue("");
  });
});
