import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { EmailSettings } from "../bindings/EmailSettings";
import type { EmailSettingsInput } from "../bindings/EmailSettingsInput";
import type { SessionInfo } from "../bindings/SessionInfo";
import { details, emailSettings, page, roles, session, summaries } from "../test/fixtures";
import { appError, mockCommands, rejectWith, type Handler } from "../test/ipc";
import AppShell from "./AppShell.svelte";

beforeEach(() => {
  history.replaceState(null, "", "#");
});

function renderShell(who: SessionInfo, handlers: Record<string, Handler> = {}) {
  const ipc = mockCommands({
    users_list: () => page(summaries(0, 2)),
    users_get: () => details({ id: who.userId, displayName: who.displayName }),
    roles_list: () => roles(),
    settings_email_get: () => emailSettings(),
    ...handlers,
  });
  render(AppShell, { session: who, onSessionChanged: vi.fn(), onSignedOut: vi.fn() });
  return ipc;
}

function navLinks(): string[] {
  const nav = screen.getByRole("navigation", { name: "Main" });
  return within(nav)
    .getAllByRole("link")
    .map((link) => link.textContent?.trim() ?? "");
}

describe("AppShell", () => {
  it("shows only Users to a user without roles.manage, reports.view or settings.manage", async () => {
    renderShell(session({ isSuperUser: false, permissions: ["users.view", "users.create", "users.edit"] }));

    expect(navLinks()).toEqual(["Users"]);
    expect(screen.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
    expect(await screen.findByRole("heading", { level: 1, name: "Users" })).toBeInTheDocument();
  });

  it.each([
    { who: session({ isSuperUser: false, permissions: ["roles.manage"] }), links: ["Users", "Roles"] },
    { who: session({ isSuperUser: false, permissions: ["reports.view"] }), links: ["Users", "Reports"] },
    { who: session({ isSuperUser: false, permissions: ["settings.manage"] }), links: ["Users", "Settings"] },
    { who: session({ isSuperUser: true, permissions: [] }), links: ["Users", "Roles", "Reports", "Settings"] },
  ])("shows $links to a user holding $who.permissions (super-user: $who.isSuperUser)", ({ who, links }) => {
    renderShell(who);

    expect(navLinks()).toEqual(links);
  });

  it("routes by the location hash and follows the side navigation", async () => {
    history.replaceState(null, "", "#roles");
    renderShell(session());

    expect(await screen.findByRole("heading", { level: 1, name: "Roles" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Roles" })).toHaveAttribute("aria-current", "page");

    await userEvent.click(screen.getByRole("link", { name: "Users" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Users" })).toBeInTheDocument();
    expect(location.hash).toBe("#users");
    expect(screen.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
  });

  it("opens Settings by its hash for a user with settings.manage, and only then", async () => {
    history.replaceState(null, "", "#settings");
    const ipc = renderShell(session({ isSuperUser: false, permissions: ["settings.manage"] }));

    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
    // One read for the SMTP password reminder, one for the page.
    await waitFor(() => expect(ipc.argsOf("settings_email_get")).toHaveLength(2));
  });

  it("falls back to Users when the hash names a page the user may not see", async () => {
    history.replaceState(null, "", "#roles");
    const ipc = renderShell(session({ isSuperUser: false, permissions: ["users.view"] }));

    expect(await screen.findByRole("heading", { level: 1, name: "Users" })).toBeInTheDocument();
    expect(ipc.argsOf("roles_list")).toEqual([]);

    history.replaceState(null, "", "#reports");
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await waitFor(() => expect(screen.getByRole("heading", { level: 1, name: "Users" })).toBeInTheDocument());
    expect(screen.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");

    history.replaceState(null, "", "#settings");
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await waitFor(() => expect(screen.getByRole("heading", { level: 1, name: "Users" })).toBeInTheDocument());
    expect(ipc.argsOf("settings_email_get")).toEqual([]);
  });

  it("opens My profile on the Users page from another page", async () => {
    history.replaceState(null, "", "#roles");
    renderShell(session());
    await screen.findByRole("heading", { level: 1, name: "Roles" });

    await userEvent.click(screen.getByRole("button", { name: "Ada Admin" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "My profile" }));

    expect(await screen.findByTestId("user-panel")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Users" })).toBeInTheDocument();
    expect(location.hash).toBe("#users");
  });
});

describe("AppShell: SMTP password reminder", () => {
  const REMINDER = "Email can't be sent until you enter the SMTP password for this session.";
  const manager = session({ isSuperUser: false, permissions: ["settings.manage"] });
  /** Settings as the core reports them after a restart on a computer without a keychain. */
  const passwordLost = emailSettings({ passwordStorage: "session", hasPassword: false });

  async function reminder(): Promise<HTMLElement> {
    return screen.findByTestId("smtp-password-reminder");
  }

  /** Lets the settings read answer and the shell update, so a reminder that would show has shown. */
  async function settingsRead(ipc: ReturnType<typeof renderShell>): Promise<void> {
    await waitFor(() => expect(ipc.argsOf("settings_email_get")).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  it("asks a holder of settings.manage for the password the core no longer has", async () => {
    const ipc = renderShell(manager, { settings_email_get: () => passwordLost });

    const shown = await reminder();

    expect(within(shown).getByRole("status")).toHaveTextContent(REMINDER);
    expect(within(shown).getByRole("button", { name: "Enter password" })).toBeInTheDocument();
    expect(within(shown).getByRole("button", { name: "Not now" })).toBeInTheDocument();
    expect(ipc.argsOf("settings_email_get")).toEqual([{}]);
  });

  it("asks a super-user too", async () => {
    renderShell(session({ isSuperUser: true, permissions: [] }), { settings_email_get: () => passwordLost });

    expect(await reminder()).toHaveTextContent(REMINDER);
  });

  it.each<{ why: string; change: Partial<EmailSettings> }>([
    { why: "the keychain keeps the password", change: { passwordStorage: "keychain" } },
    { why: "the server takes no username", change: { username: "" } },
    { why: "the password was typed this session", change: { hasPassword: true } },
  ])("shows nothing when $why", async ({ change }) => {
    const ipc = renderShell(manager, { settings_email_get: () => ({ ...passwordLost, ...change }) });

    await settingsRead(ipc);

    expect(screen.queryByTestId("smtp-password-reminder")).not.toBeInTheDocument();
  });

  it("shows nothing when the settings cannot be read", async () => {
    const ipc = renderShell(manager, {
      settings_email_get: rejectWith(appError("INTERNAL", "The database could not be read.")),
    });

    await settingsRead(ipc);

    expect(screen.queryByTestId("smtp-password-reminder")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("reads no settings without settings.manage", async () => {
    const ipc = renderShell(session({ isSuperUser: false, permissions: ["users.view", "users.invite"] }), {
      settings_email_get: () => passwordLost,
    });

    await screen.findByRole("heading", { level: 1, name: "Users" });
    await waitFor(() => expect(ipc.argsOf("users_list")).not.toHaveLength(0));

    expect(ipc.argsOf("settings_email_get")).toEqual([]);
    expect(screen.queryByTestId("smtp-password-reminder")).not.toBeInTheDocument();
  });

  it("Enter password opens Settings with the focus in Password", async () => {
    history.replaceState(null, "", "#users");
    renderShell(manager, { settings_email_get: () => passwordLost });

    await userEvent.click(within(await reminder()).getByRole("button", { name: "Enter password" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
    expect(location.hash).toBe("#settings");
    await waitFor(() => expect(screen.getByLabelText("Password")).toHaveFocus());
  });

  it("Enter password on the Settings page moves the focus to Password", async () => {
    history.replaceState(null, "", "#settings");
    renderShell(manager, { settings_email_get: () => passwordLost });
    await screen.findByLabelText("SMTP host");

    await userEvent.click(within(await reminder()).getByRole("button", { name: "Enter password" }));

    expect(screen.getByLabelText("Password")).toHaveFocus();
  });

  it("Not now hides the reminder for the rest of the session, on every page", async () => {
    const ipc = renderShell(manager, { settings_email_get: () => passwordLost });

    await userEvent.click(within(await reminder()).getByRole("button", { name: "Not now" }));

    expect(screen.queryByTestId("smtp-password-reminder")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("link", { name: "Settings" }));
    await screen.findByLabelText("SMTP host");
    expect(screen.queryByTestId("smtp-password-reminder")).not.toBeInTheDocument();
    expect(ipc.argsOf("settings_email_get")).toHaveLength(2);
  });

  it("goes away once the password is saved, and comes back when it is forgotten", async () => {
    history.replaceState(null, "", "#settings");
    const ipc = renderShell(manager, {
      settings_email_get: () => passwordLost,
      settings_email_save: (args) => {
        const input = args.input as EmailSettingsInput;
        return emailSettings({
          passwordStorage: "session",
          hasPassword: input.password !== "",
          version: input.expectedVersion + 1,
        });
      },
    });
    await reminder();
    await screen.findByLabelText("SMTP host");

    await userEvent.type(screen.getByLabelText("Password"), "app-password-1");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByText("Email settings saved.")).toBeInTheDocument();
    expect(screen.queryByTestId("smtp-password-reminder")).not.toBeInTheDocument();
    expect(ipc.argsOf("settings_email_save").map((args) => (args.input as EmailSettingsInput).password)).toEqual([
      "app-password-1",
    ]);

    await userEvent.click(screen.getByRole("button", { name: "Forget saved password" }));
    await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Forget password" }));

    expect(await reminder()).toHaveTextContent(REMINDER);
  });
});
