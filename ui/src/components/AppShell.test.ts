import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionInfo } from "../bindings/SessionInfo";
import { details, emailSettings, page, roles, session, summaries } from "../test/fixtures";
import { mockCommands } from "../test/ipc";
import AppShell from "./AppShell.svelte";

beforeEach(() => {
  history.replaceState(null, "", "#");
});

function renderShell(who: SessionInfo) {
  const ipc = mockCommands({
    users_list: () => page(summaries(0, 2)),
    users_get: () => details({ id: who.userId, displayName: who.displayName }),
    roles_list: () => roles(),
    settings_email_get: () => emailSettings(),
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
    await waitFor(() => expect(ipc.argsOf("settings_email_get")).toHaveLength(1));
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
