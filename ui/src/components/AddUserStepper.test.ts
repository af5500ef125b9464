import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent, { type UserEvent } from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { NewUserStep } from "../bindings/NewUserStep";
import type { SessionInfo } from "../bindings/SessionInfo";
import { setLanguage } from "../lib/i18n.svelte";
import { details, emailSettings, invitation, roles, session } from "../test/fixtures";
import { appError, mockCommands, rejectWith, type Handler } from "../test/ipc";
import AddUserStepper from "./AddUserStepper.svelte";

const GENERATED = "Kq7-Pxw4-Zt9m-Hc3v-Rn";

let user: UserEvent;

beforeEach(() => {
  user = userEvent.setup();
});

function renderStepper(handlers: Record<string, Handler> = {}, who: SessionInfo = session()) {
  const ipc = mockCommands({
    users_check_new: () => null,
    password_generate: () => GENERATED,
    roles_list: () => roles(),
    invitations_ready: () => false,
    ...handlers,
  });
  const onClose = vi.fn();
  const onDone = vi.fn();
  render(AddUserStepper, { session: who, onClose, onDone });
  const dialog = screen.getByTestId("add-user-stepper");
  return { ipc, onClose, onDone, dialog };
}

function currentStep(dialog: HTMLElement): string | null {
  return dialog.querySelector('[aria-current="step"]')?.textContent?.replace(/^\s*\d+\s*/, "").trim() ?? null;
}

async function next(dialog: HTMLElement): Promise<void> {
  const before = currentStep(dialog);
  await user.click(within(dialog).getByRole("button", { name: "Next" }));
  await waitFor(() => expect(currentStep(dialog)).not.toBe(before));
}

function stepsChecked(ipc: ReturnType<typeof renderStepper>["ipc"]): NewUserStep[] {
  return ipc.argsOf("users_check_new").map((args) => args.step as NewUserStep);
}

function stepTitles(dialog: HTMLElement): string[] {
  return [...dialog.querySelectorAll("ol li")].map((item) => item.textContent?.replace(/^\s*\d+\s*/, "").trim() ?? "");
}

/** Types an email and names and goes on to the Method step. */
async function toMethod(dialog: HTMLElement): Promise<void> {
  await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
  await next(dialog);
  await user.type(within(dialog).getByLabelText("First name"), "Grace");
  await user.type(within(dialog).getByLabelText("Last name"), "Hopper");
  await next(dialog);
  expect(currentStep(dialog)).toBe("Method");
}

describe("AddUserStepper", () => {
  it("shows EMAIL_TAKEN under the email field and stays on step 1", async () => {
    const { ipc, dialog } = renderStepper({
      users_check_new: rejectWith(appError("EMAIL_TAKEN", "A user with this email already exists.", "email")),
    });

    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    await user.click(within(dialog).getByRole("button", { name: "Next" }));

    const error = await within(dialog).findByTestId("field-error-email");
    expect(error).toHaveTextContent("A user with this email already exists.");
    expect(within(dialog).getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(currentStep(dialog)).toBe("Email");
    expect(ipc.argsOf("users_check_new")).toEqual([
      {
        step: "email",
        input: {
          email: "grace@acme.example",
          firstName: "",
          lastName: "",
          phone: "",
          password: "",
          confirmPassword: "",
          mustChangePassword: true,
          isSuperUser: false,
          roleIds: ["r-member"],
        },
      },
    ]);
  });

  it("keeps what was typed when going Back and Next", async () => {
    const { dialog } = renderStepper();

    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    await next(dialog);
    await user.type(within(dialog).getByLabelText("First name"), "Grace");
    await user.type(within(dialog).getByLabelText("Last name"), "Hopper");
    await user.type(within(dialog).getByLabelText("Phone (optional)"), "555 0100");
    await next(dialog);
    expect(currentStep(dialog)).toBe("Method");

    await user.click(within(dialog).getByRole("button", { name: "Back" }));
    expect(within(dialog).getByLabelText("First name")).toHaveValue("Grace");
    expect(within(dialog).getByLabelText("Last name")).toHaveValue("Hopper");
    expect(within(dialog).getByLabelText("Phone (optional)")).toHaveValue("555 0100");
    await user.click(within(dialog).getByRole("button", { name: "Back" }));
    expect(within(dialog).getByLabelText("Email")).toHaveValue("grace@acme.example");

    await next(dialog);
    expect(within(dialog).getByLabelText("First name")).toHaveValue("Grace");
  });

  it("offers Send invitation disabled and explained until email is set up, with a link to Settings", async () => {
    const { ipc, dialog } = renderStepper();
    await toMethod(dialog);

    expect(within(dialog).getByRole("radio", { name: "Add immediately" })).toBeChecked();
    const invitation = within(dialog).getByRole("radio", { name: "Send invitation" });
    expect(invitation).toBeDisabled();
    expect(invitation).toHaveAccessibleDescription("Email invitations need email to be set up first.");
    expect(within(dialog).getByRole("link", { name: "Set up email in Settings" })).toHaveAttribute("href", "#settings");
    expect(ipc.argsOf("invitations_ready")).toHaveLength(1);
  });

  it("shows no Settings link to someone without settings.manage", async () => {
    const manager = session({ isSuperUser: false, permissions: ["users.view", "users.create", "users.invite"] });
    const { dialog } = renderStepper({}, manager);
    await toMethod(dialog);

    expect(within(dialog).getByRole("radio", { name: "Send invitation" })).toBeDisabled();
    expect(within(dialog).queryByRole("link", { name: "Set up email in Settings" })).not.toBeInTheDocument();
  });

  it("offers only Add immediately without users.invite, and does not ask about email", async () => {
    const manager = session({ isSuperUser: false, permissions: ["users.view", "users.create"] });
    const { ipc, dialog } = renderStepper({}, manager);
    await toMethod(dialog);

    expect(within(dialog).getAllByRole("radio")).toHaveLength(1);
    expect(within(dialog).getByRole("radio", { name: "Add immediately" })).toBeChecked();
    expect(within(dialog).queryByRole("radio", { name: "Send invitation" })).not.toBeInTheDocument();
    expect(ipc.argsOf("invitations_ready")).toEqual([]);
  });

  it("shows a failed email check with Try again", async () => {
    let answers = 0;
    const { dialog } = renderStepper({
      invitations_ready: () => (++answers === 1 ? Promise.reject(appError("INTERNAL", "The database is busy.")) : true),
    });
    await toMethod(dialog);

    const alert = within(dialog).getByTestId("form-error");
    expect(alert).toHaveTextContent("The database is busy.");
    expect(within(dialog).getByRole("radio", { name: "Send invitation" })).toBeDisabled();
    await user.click(within(alert).getByRole("button", { name: "Try again" }));

    await waitFor(() => expect(within(dialog).getByRole("radio", { name: "Send invitation" })).toBeEnabled());
    expect(within(dialog).queryByTestId("form-error")).not.toBeInTheDocument();
  });

  it("sends an invitation: no Password step, the users_invite payload and the validity from the settings", async () => {
    const invited = details({ id: "u-new", status: "invited", invitation: invitation({ state: "queued", sentAt: null }) });
    const { ipc, dialog, onDone } = renderStepper({
      invitations_ready: () => true,
      settings_email_get: () => emailSettings({ invitationDays: 14 }),
      users_invite: () => invited,
    });
    await toMethod(dialog);
    expect(stepTitles(dialog)).toEqual(["Email", "Name", "Method", "Password", "Role", "Confirm"]);

    const radio = within(dialog).getByRole("radio", { name: "Send invitation" });
    expect(radio).toHaveAccessibleDescription("They get an email with a code and choose their own password.");
    await user.click(radio);
    expect(stepTitles(dialog)).toEqual(["Email", "Name", "Method", "Role", "Confirm"]);
    await next(dialog);
    expect(currentStep(dialog)).toBe("Role");
    await user.click(within(dialog).getByRole("checkbox", { name: "Sales" }));
    await next(dialog);
    expect(currentStep(dialog)).toBe("Confirm");

    expect(dialog).toHaveTextContent("An invitation will be emailed to grace@acme.example. It is valid for 14 days.");
    const summary = dialog.querySelector("dl") as HTMLElement;
    expect(within(summary).getByText("Method").nextElementSibling).toHaveTextContent("Send invitation");
    expect(within(summary).queryByText("Password")).not.toBeInTheDocument();
    expect(within(dialog).queryByRole("button", { name: "Create user" })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Send invitation" }));

    await waitFor(() => expect(onDone).toHaveBeenCalledWith(invited));
    expect(ipc.argsOf("users_invite")).toEqual([
      {
        input: {
          email: "grace@acme.example",
          firstName: "Grace",
          lastName: "Hopper",
          phone: "",
          isSuperUser: false,
          roleIds: ["r-member", "r-sales"],
        },
      },
    ]);
    expect(ipc.argsOf("users_create")).toEqual([]);
    expect(stepsChecked(ipc)).toEqual(["email", "names", "role"]);
  });

  it("gives someone who may only invite the invitation path, checked step by step", async () => {
    const inviter = session({ isSuperUser: false, permissions: ["users.view", "users.invite"] });
    const { ipc, dialog, onDone } = renderStepper(
      {
        invitations_ready: () => true,
        users_check_new: (args) =>
          args.step === "names" && (args.input as { firstName: string }).firstName === ""
            ? Promise.reject(appError("VALIDATION", "Enter a first name", "firstName"))
            : null,
        users_invite: () => details({ status: "invited" }),
      },
      inviter,
    );
    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    await next(dialog);
    await user.click(within(dialog).getByRole("button", { name: "Next" }));
    expect(await within(dialog).findByTestId("field-error-firstName")).toHaveTextContent("Enter a first name");
    expect(currentStep(dialog)).toBe("Name");
    await user.type(within(dialog).getByLabelText("First name"), "Grace");
    await next(dialog);

    expect(within(dialog).queryByRole("radio", { name: "Add immediately" })).not.toBeInTheDocument();
    expect(await within(dialog).findByRole("radio", { name: "Send invitation" })).toBeChecked();
    expect(stepTitles(dialog)).toEqual(["Email", "Name", "Method", "Role", "Confirm"]);
    await next(dialog);
    await next(dialog);
    expect(dialog).toHaveTextContent(
      "An invitation will be emailed to grace@acme.example. The invitation email is sent in the background.",
    );
    await user.click(within(dialog).getByRole("button", { name: "Send invitation" }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(ipc.argsOf("users_check_new").map((call) => call.step)).toContain("email");
    expect(ipc.argsOf("settings_email_get")).toEqual([]);
    expect(ipc.argsOf("users_invite")).toHaveLength(1);
  });

  it("keeps someone who may only invite on the Method step until email is set up", async () => {
    const inviter = session({ isSuperUser: false, permissions: ["users.view", "users.invite"] });
    const { dialog } = renderStepper({}, inviter);
    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    await next(dialog);
    await next(dialog);

    const radio = within(dialog).getByRole("radio", { name: "Send invitation" });
    expect(radio).toBeDisabled();
    expect(radio).toHaveAccessibleDescription("Email invitations need email to be set up first.");
    expect(within(dialog).getByRole("button", { name: "Next" })).toBeDisabled();
  });

  it("shows EMAIL_NOT_CONFIGURED from Send invitation on the Confirm step", async () => {
    const { dialog, onDone } = renderStepper({
      invitations_ready: () => true,
      settings_email_get: () => emailSettings({ invitationDays: 1 }),
      users_invite: rejectWith(appError("EMAIL_NOT_CONFIGURED", "Email invitations need email to be set up first.")),
    });
    await toMethod(dialog);
    await user.click(within(dialog).getByRole("radio", { name: "Send invitation" }));
    await next(dialog);
    await next(dialog);
    expect(dialog).toHaveTextContent("It is valid for 1 day.");

    await user.click(within(dialog).getByRole("button", { name: "Send invitation" }));

    expect(await within(dialog).findByTestId("form-error")).toHaveTextContent(
      "Email invitations need email to be set up first.",
    );
    expect(currentStep(dialog)).toBe("Confirm");
    expect(onDone).not.toHaveBeenCalled();
  });

  it("shows a generated password once, read-only, with Copy and the change-at-sign-in box ticked", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
    const { ipc, dialog } = renderStepper();
    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    await next(dialog);
    await next(dialog);
    await next(dialog);
    expect(currentStep(dialog)).toBe("Password");
    expect(within(dialog).getByRole("checkbox", { name: "Require change at next sign-in" })).toBeChecked();

    await user.click(within(dialog).getByRole("button", { name: "Generate" }));

    const field = await within(dialog).findByTestId("generated-password");
    expect(field).toHaveValue(GENERATED);
    expect(field).toHaveAttribute("readonly");
    expect(dialog).toHaveTextContent("This password will not be shown again.");
    expect(dialog).toHaveTextContent("Ask the user to change it after signing in.");
    expect(within(dialog).getByRole("checkbox", { name: "Require change at next sign-in" })).toBeChecked();
    expect(within(dialog).queryByLabelText("Password")).not.toBeInTheDocument();
    expect(ipc.argsOf("password_generate")).toHaveLength(1);

    await user.click(within(dialog).getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith(GENERATED);

    await next(dialog);
    await next(dialog);
    expect(currentStep(dialog)).toBe("Confirm");
    expect(dialog).not.toHaveTextContent(GENERATED);
    expect(screen.queryByDisplayValue(GENERATED)).not.toBeInTheDocument();
  });

  it("checks each step on Next and creates a super-user with no roles", async () => {
    const created = details({ id: "u-new", email: "grace@acme.example" });
    const { ipc, dialog, onDone } = renderStepper({ users_create: () => created });

    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    await next(dialog);
    await user.type(within(dialog).getByLabelText("First name"), "Grace");
    await user.type(within(dialog).getByLabelText("Last name"), "Hopper");
    await next(dialog);
    await next(dialog);
    await user.type(within(dialog).getByLabelText("Password"), "correct horse battery");
    await user.type(within(dialog).getByLabelText("Confirm password"), "correct horse battery");
    await user.click(within(dialog).getByRole("checkbox", { name: "Require change at next sign-in" }));
    await next(dialog);
    expect(within(dialog).getByRole("radio", { name: "Chosen roles" })).toBeChecked();
    expect(within(dialog).getByRole("checkbox", { name: "Member" })).toBeChecked();
    const superUser = within(dialog).getByRole("radio", { name: "Super-user" });
    expect(superUser).toHaveAccessibleDescription("Every permission, including managing other super-users.");
    await user.click(superUser);
    expect(within(dialog).queryByRole("checkbox", { name: "Member" })).not.toBeInTheDocument();
    await next(dialog);
    expect(dialog).toHaveTextContent("Super-user");

    await user.click(within(dialog).getByRole("button", { name: "Create user" }));

    await waitFor(() => expect(onDone).toHaveBeenCalledWith(created));
    expect(stepsChecked(ipc)).toEqual(["email", "names", "password", "role"]);
    expect(ipc.argsOf("users_create")).toEqual([
      {
        input: {
          email: "grace@acme.example",
          firstName: "Grace",
          lastName: "Hopper",
          phone: "",
          password: "correct horse battery",
          confirmPassword: "correct horse battery",
          mustChangePassword: false,
          isSuperUser: true,
          roleIds: [],
        },
      },
    ]);
  });

  it("creates a user with the roles ticked and names them on the confirm step", async () => {
    const { ipc, dialog, onDone } = renderStepper({ users_create: () => details() });
    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    for (let step = 0; step < 4; step += 1) await next(dialog);
    expect(currentStep(dialog)).toBe("Role");

    const roleList = within(dialog).getByRole("list", { name: "Roles" });
    expect(within(roleList).getAllByRole("checkbox").map((box) => box.getAttribute("value"))).toEqual([
      "r-helpdesk",
      "r-member",
      "r-sales",
    ]);
    expect(within(dialog).getByRole("checkbox", { name: "Member" })).toHaveAccessibleDescription(
      "Sees and edits only their own profile.",
    );
    await user.click(within(dialog).getByRole("checkbox", { name: "Helpdesk" }));
    await next(dialog);
    const summary = dialog.querySelector("dl") as HTMLElement;
    expect(within(summary).getByText("Role").nextElementSibling).toHaveTextContent("Helpdesk, Member");
    await user.click(within(dialog).getByRole("button", { name: "Create user" }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(ipc.argsOf("users_create")[0]?.input).toMatchObject({
      isSuperUser: false,
      roleIds: ["r-member", "r-helpdesk"],
    });
  });

  it("offers no Super-user to a user who is not one, and disables roles they may not grant", async () => {
    const manager = session({ isSuperUser: false, permissions: ["users.view", "users.create", "users.edit"] });
    const { ipc, dialog } = renderStepper({ users_create: () => details() }, manager);
    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    for (let step = 0; step < 4; step += 1) await next(dialog);

    expect(within(dialog).queryByRole("radio", { name: "Super-user" })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole("radio", { name: "Chosen roles" })).not.toBeInTheDocument();
    const helpdesk = within(dialog).getByRole("checkbox", { name: "Helpdesk" });
    expect(helpdesk).toBeDisabled();
    expect(helpdesk).toHaveAccessibleDescription("Resets passwords. You do not hold every permission of this role.");
    expect(within(dialog).getByRole("checkbox", { name: "Sales" })).toBeEnabled();
    await user.click(within(dialog).getByRole("checkbox", { name: "Member" }));
    await user.click(within(dialog).getByRole("checkbox", { name: "Sales" }));
    await next(dialog);
    await user.click(within(dialog).getByRole("button", { name: "Create user" }));

    await waitFor(() => expect(ipc.argsOf("users_create")).toHaveLength(1));
    expect(ipc.argsOf("users_create")[0]?.input).toMatchObject({ isSuperUser: false, roleIds: ["r-sales"] });
  });

  it("shows the core's roles error under the role choice and stays on the step", async () => {
    const { dialog } = renderStepper({
      users_check_new: (args) =>
        args.step === "role"
          ? Promise.reject(appError("VALIDATION", "Choose at least one role.", "roles"))
          : null,
    });
    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    for (let step = 0; step < 4; step += 1) await next(dialog);
    await user.click(within(dialog).getByRole("checkbox", { name: "Member" }));

    await user.click(within(dialog).getByRole("button", { name: "Next" }));

    expect(await within(dialog).findByTestId("field-error-roles")).toHaveTextContent("Choose at least one role.");
    expect(currentStep(dialog)).toBe("Role");
    const choice = within(dialog).getByRole("group", { name: "Role" });
    expect(choice).toHaveAccessibleDescription("Choose at least one role.");
  });

  it("shows a failed role list with Try again", async () => {
    let answers = 0;
    const { dialog } = renderStepper({
      roles_list: () => (++answers === 1 ? Promise.reject(appError("INTERNAL", "The database is busy.")) : roles()),
    });
    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    for (let step = 0; step < 4; step += 1) await next(dialog);

    const alert = within(dialog).getByTestId("form-error");
    expect(alert).toHaveTextContent("The database is busy.");
    await user.click(within(alert).getByRole("button", { name: "Try again" }));

    expect(await within(dialog).findByRole("checkbox", { name: "Member" })).toBeChecked();
  });

  it("jumps back to the step that owns the field when Create user fails", async () => {
    const { dialog, onDone } = renderStepper({
      users_create: rejectWith(appError("WEAK_PASSWORD", "This password is too common.", "password")),
    });
    await user.type(within(dialog).getByLabelText("Email"), "grace@acme.example");
    for (let step = 0; step < 5; step += 1) await next(dialog);
    expect(currentStep(dialog)).toBe("Confirm");

    await user.click(within(dialog).getByRole("button", { name: "Create user" }));

    expect(await within(dialog).findByTestId("field-error-password")).toHaveTextContent("This password is too common.");
    expect(currentStep(dialog)).toBe("Password");
    expect(onDone).not.toHaveBeenCalled();
  });

  it("offers to restore a removed user who has the email", async () => {
    const restored = details({ id: "u-old", status: "active" });
    const { ipc, dialog, onDone } = renderStepper({
      users_check_new: rejectWith(
        appError("EMAIL_OF_REMOVED_USER", "This email belongs to a removed user.", "email", "u-old"),
      ),
      users_restore: () => restored,
    });
    await user.type(within(dialog).getByLabelText("Email"), "old@acme.example");
    await user.click(within(dialog).getByRole("button", { name: "Next" }));

    expect(await within(dialog).findByTestId("field-error-email")).toHaveTextContent(
      "This email belongs to a removed user.",
    );
    await user.click(within(dialog).getByRole("button", { name: "Restore user" }));

    await waitFor(() => expect(onDone).toHaveBeenCalledWith(restored));
    expect(ipc.argsOf("users_restore")).toEqual([{ id: "u-old" }]);
  });

  it("closes on Esc at once when nothing was typed", async () => {
    const { onClose } = renderStepper();

    await user.keyboard("{Escape}");

    expect(onClose).toHaveBeenCalledOnce();
  });

  it("asks before discarding what was typed", async () => {
    const { dialog, onClose } = renderStepper();
    await user.type(within(dialog).getByLabelText("Email"), "g");

    await user.keyboard("{Escape}");

    const confirm = screen.getByRole("alertdialog", { name: "Discard this new user?" });
    expect(onClose).not.toHaveBeenCalled();
    await user.click(within(confirm).getByRole("button", { name: "Keep editing" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(within(dialog).getByLabelText("Email")).toHaveValue("g");

    await user.keyboard("{Escape}");
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Discard" }));
    expect(onClose).toHaveBeenCalledOnce();
  });

  it("keeps Tab inside the dialog", async () => {
    const { dialog } = renderStepper();
    expect(within(dialog).getByLabelText("Email")).toHaveFocus();

    for (let press = 0; press < 6; press += 1) {
      await user.tab();
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
    await user.tab({ shift: true });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
  });

  it("speaks Spanish: the steps, the method and the invitation's validity, plural", async () => {
    setLanguage("es");
    const { dialog } = renderStepper({
      invitations_ready: () => true,
      settings_email_get: () => emailSettings({ invitationDays: 14 }),
    });
    const go = async (): Promise<void> => {
      const before = currentStep(dialog);
      await user.click(within(dialog).getByRole("button", { name: "Siguiente" }));
      await waitFor(() => expect(currentStep(dialog)).not.toBe(before));
    };
    expect(screen.getByRole("dialog", { name: "Añadir usuario" })).toBe(dialog);
    await user.type(within(dialog).getByLabelText("Correo electrónico"), "grace@acme.example");
    await go();
    await user.type(within(dialog).getByLabelText("Nombre"), "Grace");
    await user.type(within(dialog).getByLabelText("Apellidos"), "Hopper");
    await go();
    expect(stepTitles(dialog)).toEqual(["Correo", "Nombre", "Método", "Contraseña", "Rol", "Confirmar"]);

    const radio = within(dialog).getByRole("radio", { name: "Enviar invitación" });
    expect(radio).toHaveAccessibleDescription("Recibirá un correo con un código y elegirá su propia contraseña.");
    await user.click(radio);
    await go();
    expect(within(dialog).getByRole("radio", { name: "Roles elegidos" })).toBeChecked();
    await go();
    expect(currentStep(dialog)).toBe("Confirmar");
    expect(dialog).toHaveTextContent("Se enviará una invitación por correo a grace@acme.example. Es válida durante 14 días.");
    expect(within(dialog).getByRole("button", { name: "Enviar invitación" })).toBeEnabled();

    // A change of language reaches what is on screen at once, keeping what was typed.
    setLanguage("en");
    await waitFor(() => expect(dialog).toHaveTextContent("It is valid for 14 days."));
    expect(stepTitles(dialog)).toEqual(["Email", "Name", "Method", "Role", "Confirm"]);
  });
});
