import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { UserDetails } from "../bindings/UserDetails";
import { details, roles, session } from "../test/fixtures";
import { appError, mockCommands, rejectWith, type Handler } from "../test/ipc";
import EditUserForm from "./EditUserForm.svelte";

let user: UserEvent;

beforeEach(() => {
  user = userEvent.setup();
});

function renderForm(
  target: UserDetails,
  handlers: Record<string, Handler> = {},
  who: SessionInfo = session(),
  mode: "user" | "profile" = "user",
) {
  const ipc = mockCommands({ roles_list: () => roles(), users_update: () => target, ...handlers });
  const onSaved = vi.fn();
  render(EditUserForm, {
    details: target,
    session: who,
    mode,
    reload: () => Promise.resolve(target),
    onSaved,
    onCancel: vi.fn(),
  });
  return { ipc, onSaved };
}

describe("EditUserForm", () => {
  it("preselects the user's roles and saves the roles ticked", async () => {
    const target = details({ roleIds: ["r-helpdesk", "r-member"], version: 7 });
    const { ipc, onSaved } = renderForm(target);

    expect(await screen.findByRole("checkbox", { name: "Helpdesk" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Member" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Sales" })).not.toBeChecked();
    expect(screen.getByRole("radio", { name: "Chosen roles" })).toBeChecked();
    await user.click(screen.getByRole("checkbox", { name: "Member" }));
    await user.click(screen.getByRole("checkbox", { name: "Sales" }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(target));
    expect(ipc.argsOf("users_update")).toEqual([
      {
        id: "u-7",
        input: {
          firstName: "Grace",
          lastName: "Hopper",
          phone: "+44 20 7946 0000",
          isSuperUser: false,
          roleIds: ["r-helpdesk", "r-sales"],
          expectedVersion: 7,
        },
      },
    ]);
  });

  it("makes a user a super-user with no roles", async () => {
    const { ipc } = renderForm(details());
    await screen.findByRole("checkbox", { name: "Member" });

    await user.click(screen.getByRole("radio", { name: "Super-user" }));
    expect(screen.queryByRole("checkbox", { name: "Member" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(ipc.argsOf("users_update")).toHaveLength(1));
    expect(ipc.argsOf("users_update")[0]?.input).toMatchObject({ isSuperUser: true, roleIds: [] });
  });

  it("offers no Super-user to a user who is not one and keeps roles they may not grant as they are", async () => {
    const manager = session({ isSuperUser: false, permissions: ["users.view", "users.edit"] });
    const target = details({ roleIds: ["r-helpdesk"] });
    const { ipc } = renderForm(target, {}, manager);

    const helpdesk = await screen.findByRole("checkbox", { name: "Helpdesk" });
    expect(screen.queryByRole("radio", { name: "Super-user" })).not.toBeInTheDocument();
    expect(helpdesk).toBeChecked();
    expect(helpdesk).toBeDisabled();
    expect(helpdesk).toHaveAccessibleDescription("Resets passwords. You do not hold every permission of this role.");
    await user.click(screen.getByRole("checkbox", { name: "Sales" }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(ipc.argsOf("users_update")).toHaveLength(1));
    expect(ipc.argsOf("users_update")[0]?.input).toMatchObject({
      isSuperUser: false,
      roleIds: ["r-helpdesk", "r-sales"],
    });
  });

  it("shows the core's roles error under the role choice", async () => {
    renderForm(details(), {
      users_update: rejectWith(appError("VALIDATION", "Choose at least one role.", "roles")),
    });
    await user.click(await screen.findByRole("checkbox", { name: "Member" }));
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByTestId("field-error-roles")).toHaveTextContent("Choose at least one role.");
    expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
  });

  it("shows no role choice, and loads no roles, when editing your own profile", async () => {
    const me = details({ id: "u-admin" });
    const { ipc } = renderForm(me, { profile_update: () => me }, session(), "profile");

    expect(screen.getByLabelText("First name")).toHaveValue("Grace");
    expect(screen.queryByRole("group", { name: "Role" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save" }));

    await waitFor(() => expect(ipc.argsOf("profile_update")).toHaveLength(1));
    expect(ipc.argsOf("roles_list")).toEqual([]);
    expect(within(document.body).queryByRole("checkbox")).not.toBeInTheDocument();
  });
});
