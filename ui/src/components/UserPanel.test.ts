import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { UserDetails } from "../bindings/UserDetails";
import { formatDateTime } from "../lib/format";
import { details, session } from "../test/fixtures";
import { appError, mockCommands, rejectWith } from "../test/ipc";
import UserPanel from "./UserPanel.svelte";

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

const actionNames = ["Edit", "Remove from Workspace", "Restore", "More actions", "Change password"];

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

  it("saves an edit of another user with the version it was read at, and shows a conflict with Reload", async () => {
    const user = details({ version: 4 });
    const fresh = details({ version: 9, lastName: "Murray Hopper" });
    let reads = 0;
    const ipc = mockCommands({
      users_get: () => (++reads === 1 ? user : fresh),
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
        input: { firstName: "Grace", lastName: "Hopper", phone: "+44 20 7946 0000", isSuperUser: true, expectedVersion: 4 },
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
