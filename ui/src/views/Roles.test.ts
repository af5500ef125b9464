import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { RoleSummary } from "../bindings/RoleSummary";
import type { SessionInfo } from "../bindings/SessionInfo";
import { setLanguage } from "../lib/i18n.svelte";
import { role, roles, session } from "../test/fixtures";
import { appError, mockCommands, rejectWith, type Handler } from "../test/ipc";
import Roles from "./Roles.svelte";

let user: UserEvent;

beforeEach(() => {
  user = userEvent.setup();
});

/** A role manager who is not a super-user and holds only these permissions. */
const manager = session({ isSuperUser: false, permissions: ["users.view", "users.edit", "roles.manage"] });

function renderRoles(handlers: Record<string, Handler> = {}, who: SessionInfo = session()) {
  const ipc = mockCommands({ roles_list: () => roles(), ...handlers });
  render(Roles, { session: who });
  return ipc;
}

async function rowOf(name: string): Promise<HTMLElement> {
  await screen.findAllByTestId("role-row");
  const row = screen.getAllByTestId("role-row").find((candidate) => candidate.dataset.name === name);
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

function cells(row: HTMLElement): string[] {
  return [...row.querySelectorAll("th, td")].map((cell) => cell.textContent?.replace(/\s+/g, " ").trim() ?? "");
}

describe("Roles", () => {
  it("lists the roles with their description, permission count and number of users", async () => {
    renderRoles();

    expect(screen.getByRole("heading", { level: 1, name: "Roles" })).toBeInTheDocument();
    expect(cells(await rowOf("Helpdesk"))).toEqual([
      "Helpdesk",
      "Resets passwords.",
      "2 permissions",
      "3",
      "Edit Delete",
    ]);
    expect(cells(await rowOf("Member"))).toEqual([
      "Member Built-in",
      "Sees and edits only their own profile.",
      "Own profile only",
      "12",
      "Edit",
    ]);
    expect(cells(await rowOf("Sales"))).toEqual([
      "Sales",
      "Keeps customer contacts up to date.",
      "2 permissions",
      "0",
      "Edit Delete",
    ]);
  });

  it("shows a failed load with Try again", async () => {
    let answers = 0;
    renderRoles({
      roles_list: () => (++answers === 1 ? Promise.reject(appError("INTERNAL", "The database is busy.")) : roles()),
    });

    const alert = await screen.findByTestId("form-error");
    expect(alert).toHaveTextContent("The database is busy.");
    await user.click(within(alert).getByRole("button", { name: "Try again" }));

    expect(await screen.findAllByTestId("role-row")).toHaveLength(3);
    expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
  });

  it("adds a role with the permissions ticked, in catalogue order, then reloads the list", async () => {
    const added = role({
      id: "r-new",
      name: "Auditors",
      description: "Reads reports.",
      permissions: ["users.view", "reports.view"],
    });
    let list = roles();
    const ipc = renderRoles({
      roles_list: () => list,
      roles_create: () => {
        list = [added, ...list];
        return added;
      },
    });
    await rowOf("Member");

    await user.click(screen.getByRole("button", { name: "Add role" }));
    const dialog = screen.getByRole("dialog", { name: "Add role" });
    expect(within(dialog).getByLabelText("Name")).toHaveFocus();
    await user.type(within(dialog).getByLabelText("Name"), "Auditors");
    await user.type(within(dialog).getByLabelText("Description (optional)"), "Reads reports.");
    const reports = within(dialog).getByRole("checkbox", { name: "View reports" });
    expect(reports).toHaveAccessibleDescription("See seats, invitations and users per role.");
    await user.click(reports);
    await user.click(within(dialog).getByRole("checkbox", { name: "View users" }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(ipc.argsOf("roles_create")).toEqual([
      {
        input: {
          name: "Auditors",
          description: "Reads reports.",
          permissions: ["users.view", "reports.view"],
          expectedVersion: 0,
        },
      },
    ]);
    expect(screen.getByRole("status")).toHaveTextContent("Role “Auditors” added.");
    expect(await rowOf("Auditors")).toBeInTheDocument();
    expect(ipc.argsOf("roles_list")).toHaveLength(2);
    expect(screen.getByRole("button", { name: "Add role" })).toHaveFocus();
  });

  it("groups the permissions and disables those the signed-in user does not hold", async () => {
    renderRoles({}, manager);
    await rowOf("Member");

    await user.click(screen.getByRole("button", { name: "Add role" }));
    const dialog = screen.getByRole("dialog", { name: "Add role" });

    const users = within(dialog).getByRole("group", { name: "Users" });
    const workspace = within(dialog).getByRole("group", { name: "Workspace" });
    expect(within(users).getAllByRole("checkbox")).toHaveLength(8);
    expect(within(workspace).getAllByRole("checkbox")).toHaveLength(3);
    expect(within(dialog).getByRole("checkbox", { name: "View users" })).toBeEnabled();
    expect(within(dialog).getByRole("checkbox", { name: "Manage roles" })).toBeEnabled();
    const remove = within(dialog).getByRole("checkbox", { name: "Remove users" });
    expect(remove).toBeDisabled();
    expect(remove).toHaveAccessibleDescription(
      "Remove users from the Workspace and restore them. You do not hold this permission.",
    );
    expect(within(dialog).getByRole("checkbox", { name: "View reports" })).toBeDisabled();
  });

  it("shows a field error from the core under its field", async () => {
    renderRoles({
      roles_create: rejectWith(appError("VALIDATION", "A role with this name already exists.", "roleName")),
    });
    await rowOf("Member");

    await user.click(screen.getByRole("button", { name: "Add role" }));
    const dialog = screen.getByRole("dialog", { name: "Add role" });
    await user.type(within(dialog).getByLabelText("Name"), "Sales{Enter}");

    expect(await within(dialog).findByTestId("field-error-roleName")).toHaveTextContent(
      "A role with this name already exists.",
    );
    expect(within(dialog).getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
  });

  it("edits a role with the version it was read at and offers Reload on a conflict", async () => {
    let list: RoleSummary[] = roles();
    const ipc = renderRoles({
      roles_list: () => list,
      roles_update: rejectWith(appError("CONFLICT", "Someone else changed this role. Reload to see their changes.")),
    });

    await user.click(within(await rowOf("Helpdesk")).getByRole("button", { name: "Edit" }));
    const dialog = screen.getByRole("dialog", { name: "Edit role" });
    expect(within(dialog).getByLabelText("Name")).toHaveValue("Helpdesk");
    expect(within(dialog).getByRole("checkbox", { name: "Change passwords" })).toBeChecked();
    await user.click(within(dialog).getByRole("checkbox", { name: "Edit users" }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    const alert = await within(dialog).findByTestId("form-error");
    expect(alert).toHaveTextContent("Someone else changed this role. Reload to see their changes.");
    expect(ipc.argsOf("roles_update")).toEqual([
      {
        id: "r-helpdesk",
        input: {
          name: "Helpdesk",
          description: "Resets passwords.",
          permissions: ["users.view", "users.edit", "users.reset_password"],
          expectedVersion: 5,
        },
      },
    ]);

    list = roles().map((candidate) =>
      candidate.id === "r-helpdesk" ? { ...candidate, name: "Service desk", version: 6 } : candidate,
    );
    await user.click(within(alert).getByRole("button", { name: "Reload" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Name")).toHaveValue("Service desk"));
    expect(within(dialog).getByRole("checkbox", { name: "Edit users" })).not.toBeChecked();
  });

  it("keeps the built-in role's permissions fixed and offers no Delete for it", async () => {
    const renamed = role({ id: "r-member", name: "Staff", isBuiltin: true, permissions: [] });
    const ipc = renderRoles({ roles_update: () => renamed });
    const row = await rowOf("Member");

    expect(within(row).getByText("Built-in")).toBeInTheDocument();
    expect(within(row).queryByRole("button", { name: "Delete" })).not.toBeInTheDocument();
    await user.click(within(row).getByRole("button", { name: "Edit" }));
    const dialog = screen.getByRole("dialog", { name: "Edit role" });
    expect(within(dialog).queryAllByRole("checkbox")).toHaveLength(0);
    expect(dialog).toHaveTextContent("Sees and edits only their own profile.");
    const name = within(dialog).getByLabelText("Name");
    await user.clear(name);
    await user.type(name, "Staff{Enter}");

    await waitFor(() => expect(ipc.argsOf("roles_update")).toHaveLength(1));
    expect(ipc.argsOf("roles_update")[0]).toEqual({
      id: "r-member",
      input: {
        name: "Staff",
        description: "Sees and edits only their own profile.",
        permissions: [],
        expectedVersion: 1,
      },
    });
    expect(await screen.findByRole("status")).toHaveTextContent("Changes to “Staff” saved.");
  });

  it("disables Edit and Delete, with the reason, for a role holding a permission the user does not hold", async () => {
    renderRoles({}, manager);

    const helpdesk = await rowOf("Helpdesk");
    const edit = within(helpdesk).getByRole("button", { name: "Edit" });
    expect(edit).toBeDisabled();
    expect(edit).toHaveAccessibleDescription("You do not hold every permission of this role.");
    expect(within(helpdesk).getByRole("button", { name: "Delete" })).toBeDisabled();

    const sales = await rowOf("Sales");
    expect(within(sales).getByRole("button", { name: "Edit" })).toBeEnabled();
    expect(within(sales).getByRole("button", { name: "Delete" })).toBeEnabled();
    expect(sales).not.toHaveTextContent("You do not hold");
  });

  it("deletes a role nobody holds after a confirmation", async () => {
    let list = roles();
    const ipc = renderRoles({
      roles_list: () => list,
      roles_delete: () => {
        list = list.filter((candidate) => candidate.id !== "r-sales");
        return null;
      },
    });

    await user.click(within(await rowOf("Sales")).getByRole("button", { name: "Delete" }));
    const confirm = screen.getByRole("alertdialog", { name: "Delete the role “Sales”?" });
    expect(confirm).toHaveTextContent("No user holds this role.");
    await user.click(within(confirm).getByRole("button", { name: "Delete role" }));

    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(ipc.argsOf("roles_delete")).toEqual([{ id: "r-sales", input: { moveUsersTo: null, expectedVersion: 2 } }]);
    await waitFor(() => expect(screen.getAllByTestId("role-row")).toHaveLength(2));
    expect(screen.getByRole("status")).toHaveTextContent("Role “Sales” deleted.");
    expect(screen.getByRole("button", { name: "Add role" })).toHaveFocus();
  });

  it("requires a role to move the users to before deleting a role that users hold", async () => {
    const ipc = renderRoles({ roles_delete: () => null });

    await user.click(within(await rowOf("Helpdesk")).getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete the role “Helpdesk”?" });
    expect(dialog).toHaveAccessibleDescription("3 users hold this role. Choose the role they move to.");
    const remove = within(dialog).getByRole("button", { name: "Delete role" });
    expect(remove).toBeDisabled();
    const select = within(dialog).getByLabelText("Move users to");
    expect(within(select).getAllByRole("option").map((option) => option.textContent)).toEqual([
      "Choose a role",
      "Member",
      "Sales",
    ]);

    await user.selectOptions(select, "Member");
    expect(remove).toBeEnabled();
    await user.click(remove);

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(ipc.argsOf("roles_delete")).toEqual([
      { id: "r-helpdesk", input: { moveUsersTo: "r-member", expectedVersion: 5 } },
    ]);
  });

  it("shows a moveUsersTo error under the select, and lists only roles the user may grant", async () => {
    const held = roles().map((candidate) => (candidate.id === "r-sales" ? { ...candidate, users: 2 } : candidate));
    renderRoles(
      {
        roles_list: () => held,
        roles_delete: rejectWith(appError("VALIDATION", "Choose a role for the users of this role.", "moveUsersTo")),
      },
      manager,
    );

    await user.click(within(await rowOf("Sales")).getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete the role “Sales”?" });
    const select = within(dialog).getByLabelText("Move users to");
    const options = within(select).getAllByRole("option");
    expect(options.map((option) => option.textContent)).toEqual(["Choose a role", "Member"]);
    expect(select).toHaveAccessibleDescription("Roles with a permission you do not hold are not listed.");
    await user.selectOptions(select, "Member");
    await user.click(within(dialog).getByRole("button", { name: "Delete role" }));

    expect(await within(dialog).findByTestId("field-error-moveUsersTo")).toHaveTextContent(
      "Choose a role for the users of this role.",
    );
    expect(select).toHaveAttribute("aria-invalid", "true");
  });

  it("shows the core's refusal in the confirmation and the role as it is now in the list", async () => {
    let list = roles();
    renderRoles({
      roles_list: () => list,
      roles_delete: () => {
        list = list.map((candidate) =>
          candidate.id === "r-sales" ? { ...candidate, users: 1, version: 3 } : candidate,
        );
        return Promise.reject(
          appError("VALIDATION", "Users hold this role. Choose a role to move them to.", "moveUsersTo"),
        );
      },
    });

    await user.click(within(await rowOf("Sales")).getByRole("button", { name: "Delete" }));
    const confirm = screen.getByRole("alertdialog");
    await user.click(within(confirm).getByRole("button", { name: "Delete role" }));

    expect(await within(confirm).findByTestId("form-error")).toHaveTextContent(
      "Users hold this role. Choose a role to move them to.",
    );
    await waitFor(async () => expect(cells(await rowOf("Sales"))[3]).toBe("1"));
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    await user.click(within(await rowOf("Sales")).getByRole("button", { name: "Delete" }));
    expect(screen.getByRole("dialog", { name: "Delete the role “Sales”?" })).toHaveAccessibleDescription(
      "1 user holds this role. Choose the role they move to.",
    );
  });

  it("speaks Spanish: the list, the permission names and the holders of a role to delete", async () => {
    setLanguage("es");
    const holders: Record<string, number> = { "r-member": 12345, "r-helpdesk": 1 };
    const list = roles().map((candidate) => ({ ...candidate, users: holders[candidate.id] ?? candidate.users }));
    renderRoles({ roles_list: () => list });

    expect(screen.getByRole("heading", { level: 1, name: "Roles" })).toBeInTheDocument();
    expect(cells(await rowOf("Member"))).toEqual([
      "Member Predefinido",
      "Sees and edits only their own profile.",
      "Solo su perfil",
      "12.345",
      "Editar",
    ]);
    expect(cells(await rowOf("Helpdesk"))).toEqual([
      "Helpdesk",
      "Resets passwords.",
      "2 permisos",
      "1",
      "Editar Eliminar",
    ]);

    await user.click(screen.getByRole("button", { name: "Añadir rol" }));
    const form = screen.getByRole("dialog", { name: "Añadir rol" });
    const users = within(form).getByRole("group", { name: "Usuarios" });
    expect(within(users).getByRole("checkbox", { name: "Ver usuarios" })).toHaveAccessibleDescription(
      "Ver a todos los usuarios del espacio de trabajo, no solo el propio perfil.",
    );
    expect(within(form).getByRole("group", { name: "Espacio de trabajo" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());

    await user.click(within(await rowOf("Helpdesk")).getByRole("button", { name: "Eliminar" }));
    const dialog = screen.getByRole("dialog", { name: "¿Eliminar el rol «Helpdesk»?" });
    expect(dialog).toHaveAccessibleDescription("1 usuario tiene este rol. Elige el rol al que pasa.");
    expect(within(dialog).getByLabelText("Pasar los usuarios a")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Eliminar rol" })).toBeDisabled();
  });
});
