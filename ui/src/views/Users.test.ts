import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { UserQuery } from "../bindings/UserQuery";
import { setLanguage } from "../lib/i18n.svelte";
import { details, page, roles, session, summaries, summary } from "../test/fixtures";
import { mockCommands } from "../test/ipc";
import Users from "./Users.svelte";

function renderUsers(who = session()) {
  render(Users, { session: who, onSelfChanged: vi.fn(), onSessionChanged: vi.fn() });
}

/** The Users screen with one user and what Add user's stepper asks for when it opens. */
async function renderWithStepper(): Promise<HTMLElement[]> {
  mockCommands({
    users_list: () => page(summaries(0, 1)),
    roles_list: () => roles(),
    invitations_ready: () => false,
  });
  renderUsers();
  return screen.findAllByTestId("user-row");
}

describe("Users", () => {
  it("shows the counts and searches as you type, once typing pauses", async () => {
    const ipc = mockCommands({
      users_list: () => ({ ...page(summaries(0, 3)), counts: { users: 3, seats: 2, removed: 1 } }),
    });
    renderUsers();

    expect(await screen.findByTestId("user-counts")).toHaveTextContent("3 users · 2 seats");
    await userEvent.type(screen.getByLabelText("Search users"), "gra");

    await waitFor(() => expect((ipc.argsOf("users_list").at(-1)?.query as UserQuery).search).toBe("gra"));
    const searches = ipc.argsOf("users_list").map((args) => (args.query as UserQuery).search);
    expect(searches).toEqual(["", "gra"]);
  });

  it("switches to removed users", async () => {
    const ipc = mockCommands({ users_list: () => page(summaries(0, 1)) });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await userEvent.click(screen.getByRole("radio", { name: "Removed" }));

    await waitFor(() => expect((ipc.argsOf("users_list").at(-1)?.query as UserQuery).filter).toBe("removed"));
  });

  it("offers Add user only with users.create or users.invite", async () => {
    mockCommands({ users_list: () => page(summaries(0, 1)) });
    renderUsers(session({ isSuperUser: false, permissions: ["users.view", "users.edit"] }));
    await screen.findAllByTestId("user-row");

    expect(screen.queryByRole("button", { name: "Add user" })).not.toBeInTheDocument();
  });

  it("offers Add user to a user who is not a super-user but holds users.create", async () => {
    mockCommands({ users_list: () => page(summaries(0, 1)) });
    renderUsers(session({ isSuperUser: false, permissions: ["users.view", "users.create"] }));
    await screen.findAllByTestId("user-row");

    expect(screen.getByRole("button", { name: "Add user" })).toBeInTheDocument();
  });

  it("offers Add user to someone who may only invite", async () => {
    mockCommands({ users_list: () => page(summaries(0, 1)) });
    renderUsers(session({ isSuperUser: false, permissions: ["users.view", "users.invite"] }));
    await screen.findAllByTestId("user-row");

    expect(screen.getByRole("button", { name: "Add user" })).toBeInTheDocument();
  });

  it("opens the stepper from Add user and closes it with Cancel", async () => {
    await renderWithStepper();

    await userEvent.click(screen.getByRole("button", { name: "Add user" }));
    expect(screen.getByRole("dialog", { name: "Add user" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("focuses search with Ctrl+F and opens Add user with Ctrl+N, and Esc closes it again", async () => {
    const [row] = await renderWithStepper();
    row!.focus();

    await userEvent.keyboard("{Control>}f{/Control}");
    expect(screen.getByLabelText("Search users")).toHaveFocus();
    await userEvent.keyboard("{Control>}n{/Control}");
    expect(screen.getByRole("dialog", { name: "Add user" })).toBeInTheDocument();
    // While the stepper is open, the page's shortcuts leave the keyboard to it.
    await userEvent.keyboard("{Control>}f{/Control}");
    expect(screen.getByLabelText("Search users")).not.toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Search users")).toHaveFocus();
  });

  it("puts focus on Add user when a stepper opened by Ctrl+N from nowhere closes", async () => {
    await renderWithStepper();
    (document.activeElement as HTMLElement | null)?.blur();

    await userEvent.keyboard("{Control>}n{/Control}");
    expect(screen.getByRole("dialog", { name: "Add user" })).toBeInTheDocument();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("button", { name: "Add user" })).toHaveFocus());
  });

  it("ignores Ctrl+N for someone who may not add users", async () => {
    mockCommands({ users_list: () => page(summaries(0, 1)) });
    renderUsers(session({ isSuperUser: false, permissions: ["users.view"] }));
    await screen.findAllByTestId("user-row");

    await userEvent.keyboard("{Control>}n{/Control}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("speaks Spanish: the heading, counts with their plural and grouping, the list, the panel", async () => {
    setLanguage("es");
    mockCommands({
      users_list: (args) =>
        (args.query as UserQuery).search === "zzz"
          ? page([])
          : {
              ...page([summary(0, { role: "Super-user", isSuperUser: true }), summary(1)]),
              counts: { users: 12345, seats: 1, removed: 0 },
            },
      users_get: () => details({ phone: "" }),
    });
    renderUsers();

    expect(screen.getByRole("heading", { name: "Usuarios" })).toBeInTheDocument();
    expect(await screen.findByTestId("user-counts")).toHaveTextContent("12.345 usuarios · 1 licencia");
    expect(screen.getByRole("columnheader", { name: "Fecha de alta" })).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: "De baja" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Añadir usuario" })).toBeInTheDocument();
    const [first, second] = screen.getAllByTestId("user-row");
    expect(first).toHaveTextContent("Superusuario");
    expect(second).toHaveTextContent("Activo");

    await userEvent.click(second!);
    const panel = await screen.findByTestId("user-panel");
    expect(await within(panel).findByRole("tab", { name: "Detalles" })).toBeInTheDocument();
    expect(within(panel).getByText("Sin indicar")).toBeInTheDocument();
    expect(within(panel).getByRole("button", { name: "Dar de baja" })).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Buscar usuarios"), "zzz");
    expect(await screen.findByText("Ningún usuario coincide con «zzz».")).toBeInTheDocument();
  });
});
