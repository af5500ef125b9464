import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import type { LaunchState } from "./bindings/LaunchState";
import { details, emailSettings, page, preview, session, summaries } from "./test/fixtures";
import { appError, channelOf, deferred, mockCommands, rejectWith, shellEmits, type Handler } from "./test/ipc";

const oneWorkspace = [{ id: "w-1", name: "Acme Office" }];

const CODE = "q4V7bX2mN9rT1kL8pZ3wY6sD0fH5jC2aE7uI4oR9tGx";

function launch(overrides: Partial<LaunchState> = {}): Handler {
  return () => ({ workspaces: oneWorkspace, session: null, demo: false, updates: false, systemLanguages: ["en-US"], ...overrides });
}

/**
 * The app's commands, with no invitation link waiting unless the test says otherwise, and email
 * settings that need no reminder (the main window reads them for holders of settings.manage).
 */
function mockApp(handlers: Record<string, Handler>) {
  return mockCommands({ invitations_take_link: () => null, settings_email_get: () => emailSettings(), ...handlers });
}

/** Invitation links as the shell keeps them: each code is handed out once, then null. */
function links(waiting: string | null = null) {
  return {
    take: () => {
      const taken = waiting;
      waiting = null;
      return taken;
    },
    /** A link reaches the running app: the shell keeps its code and emits the event. */
    arrive(code: string): Promise<void> {
      waiting = code;
      return shellEmits("invitation-link");
    },
  };
}

beforeEach(() => {
  history.replaceState(null, "", "#");
});

describe("App", () => {
  it("asks to create a Workspace on first run and signs in with it", async () => {
    const ipc = mockApp({
      app_launch_state: launch({ workspaces: [] }),
      workspace_create: () => session(),
      users_list: () => page(summaries(0, 2)),
    });
    render(App);

    await screen.findByRole("heading", { name: "Create your Workspace" });
    await userEvent.type(screen.getByLabelText("Workspace name"), "Acme Office");
    await userEvent.type(screen.getByLabelText("Your email"), "admin@acme.example");
    await userEvent.type(screen.getByLabelText("First name"), "Ada");
    await userEvent.type(screen.getByLabelText("Last name"), "Admin");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.type(screen.getByLabelText("Confirm password"), "correct horse battery{Enter}");

    expect(await screen.findByRole("heading", { name: "Users" })).toBeInTheDocument();
    expect(ipc.argsOf("workspace_create")).toEqual([
      {
        input: {
          workspaceName: "Acme Office",
          email: "admin@acme.example",
          firstName: "Ada",
          lastName: "Admin",
          password: "correct horse battery",
          confirmPassword: "correct horse battery",
        },
      },
    ]);
  });

  it("signs in, showing the Workspace picker only when there are several", async () => {
    const workspaces = [...oneWorkspace, { id: "w-2", name: "Branch Office" }];
    const ipc = mockApp({
      app_launch_state: launch({ workspaces }),
      session_sign_in: () => session({ workspaceId: "w-2", workspaceName: "Branch Office" }),
      users_list: () => page(summaries(0, 2)),
    });
    render(App);

    await screen.findByRole("heading", { name: "Sign in" });
    await userEvent.selectOptions(screen.getByLabelText("Workspace"), "Branch Office");
    await userEvent.type(screen.getByLabelText("Email"), "admin@acme.example");
    await userEvent.type(screen.getByLabelText("Password"), "secret secret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    expect(await screen.findByText("Branch Office")).toBeInTheDocument();
    expect(ipc.argsOf("session_sign_in")).toEqual([
      { input: { workspaceId: "w-2", email: "admin@acme.example", password: "secret secret" } },
    ]);
  });

  it("has no Workspace picker for one Workspace, shows the demo hint and the core's sign-in error", async () => {
    mockApp({
      app_launch_state: launch({ demo: true }),
      session_sign_in: rejectWith(appError("INVALID_CREDENTIALS", "Wrong email or password.")),
    });
    render(App);

    await screen.findByRole("heading", { name: "Sign in" });
    expect(screen.queryByLabelText("Workspace")).not.toBeInTheDocument();
    expect(screen.getByText("Demo Workspace")).toBeInTheDocument();
    const hint = "Sign in as admin@demo.example with password Demo-Roster-2031!";
    expect(screen.getByText((_, element) => element?.tagName === "P" && element.textContent === hint)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Email"), "admin@demo.example");
    await userEvent.type(screen.getByLabelText("Password"), "nope{Enter}");

    expect(await screen.findByTestId("form-error")).toHaveTextContent("Wrong email or password.");
  });

  it("makes a user who must change their password choose one first", async () => {
    const ipc = mockApp({
      app_launch_state: launch({ session: session({ mustChangePassword: true }) }),
      profile_change_password: () => session(),
      users_list: () => page(summaries(0, 1)),
    });
    render(App);

    await screen.findByRole("heading", { name: "Choose a new password" });
    await userEvent.type(screen.getByLabelText("New password"), "a brand new secret");
    await userEvent.type(screen.getByLabelText("Confirm password"), "a brand new secret");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    expect(await screen.findByRole("heading", { name: "Users" })).toBeInTheDocument();
    expect(ipc.argsOf("profile_change_password")).toEqual([
      { input: { currentPassword: "", newPassword: "a brand new secret", confirmPassword: "a brand new secret" } },
    ]);
  });

  it("returns to Sign in when a command says the session is gone", async () => {
    let signedIn = true;
    mockApp({
      app_launch_state: () => ({ workspaces: oneWorkspace, session: signedIn ? session() : null, demo: false, updates: false, systemLanguages: ["en-US"] }),
      users_list: () => {
        signedIn = false;
        return Promise.reject(appError("UNAUTHENTICATED", "Please sign in again."));
      },
    });
    render(App);

    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Please sign in again.");
  });

  it("opens My profile from the name menu and signs out from it", async () => {
    const me = details({ id: "u-admin", displayName: "Ada Admin", email: "admin@acme.example" });
    let signedIn = true;
    const ipc = mockApp({
      app_launch_state: () => ({ workspaces: oneWorkspace, session: signedIn ? session() : null, demo: false, updates: false, systemLanguages: ["en-US"] }),
      users_list: () => page(summaries(0, 3)),
      users_get: () => me,
      session_sign_out: () => {
        signedIn = false;
        return null;
      },
    });
    render(App);

    const nameButton = await screen.findByRole("button", { name: "Ada Admin" });
    await userEvent.click(nameButton);
    const menu = screen.getByRole("menu");
    expect(within(menu).getAllByRole("menuitem").map((item) => item.textContent?.trim())).toEqual([
      "My profile",
      "Change password",
      "Sign out",
    ]);
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(nameButton).toHaveFocus();

    await userEvent.keyboard("{ArrowDown}{Enter}");
    const panel = await screen.findByTestId("user-panel");
    expect(await within(panel).findByText("admin@acme.example")).toBeInTheDocument();
    expect(ipc.argsOf("users_get")).toEqual([{ id: "u-admin" }]);

    await userEvent.click(nameButton);
    await userEvent.click(screen.getByRole("menuitem", { name: "Sign out" }));
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByTestId("sign-in-notice")).not.toBeInTheDocument();
    await waitFor(() => expect(ipc.argsOf("session_sign_out")).toHaveLength(1));
  });

  it("opens Accept invitation from the first run of a Roster with no Workspace, and Back returns there", async () => {
    const ipc = mockApp({ app_launch_state: launch({ workspaces: [] }) });
    render(App);

    await screen.findByRole("heading", { name: "Create your Workspace" });
    await userEvent.click(screen.getByRole("button", { name: "I have an invitation code" }));

    expect(screen.getByRole("heading", { name: "Accept invitation" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Back" }));
    expect(screen.getByRole("heading", { name: "Create your Workspace" })).toBeInTheDocument();
    expect(ipc.argsOf("invitations_preview")).toEqual([]);
  });

  it("opens Accept invitation from Sign in and returns with Back to sign in", async () => {
    const ipc = mockApp({ app_launch_state: launch() });
    render(App);

    await screen.findByRole("heading", { name: "Sign in" });
    await userEvent.click(screen.getByRole("button", { name: "I have an invitation code" }));

    expect(screen.getByRole("heading", { name: "Accept invitation" })).toBeInTheDocument();
    expect(screen.getByLabelText("Invitation code")).toHaveValue("");
    await userEvent.click(screen.getByRole("button", { name: "Back to sign in" }));
    expect(screen.getByRole("heading", { name: "Sign in" })).toBeInTheDocument();
    expect(ipc.argsOf("invitations_preview")).toEqual([]);
  });

  it("shows the invitation of the link Roster was opened with, and continues signed in on Users", async () => {
    history.replaceState(null, "", "#settings");
    const joined = session({ userId: "u-grace", displayName: "Grace Hopper", isSuperUser: false, permissions: ["users.view"] });
    const ipc = mockApp({
      app_launch_state: launch(),
      invitations_take_link: links(CODE).take,
      invitations_preview: () => preview(),
      invitations_accept: () => joined,
      users_list: () => page(summaries(0, 2)),
    });
    render(App);

    expect(await screen.findByRole("heading", { name: "Join Acme Office" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Invitation code")).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("New password"), "four quiet harbour lamps");
    await userEvent.type(screen.getByLabelText("Confirm password"), "four quiet harbour lamps");
    await userEvent.click(screen.getByRole("button", { name: "Join Workspace" }));

    expect(await screen.findByRole("heading", { name: "Users" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Grace Hopper" })).toBeInTheDocument();
    expect(location.hash).toBe("#users");
    expect(ipc.argsOf("invitations_preview")).toEqual([{ token: CODE }]);
    expect(ipc.argsOf("invitations_accept")).toEqual([
      { input: { token: CODE, password: "four quiet harbour lamps", confirmPassword: "four quiet harbour lamps" } },
    ]);
  });

  it("opens Accept invitation when a link arrives while Sign in is showing", async () => {
    const shell = links();
    const ipc = mockApp({
      app_launch_state: launch(),
      invitations_take_link: shell.take,
      invitations_preview: () => preview(),
    });
    render(App);
    await screen.findByRole("heading", { name: "Sign in" });

    await shell.arrive(CODE);

    expect(await screen.findByRole("heading", { name: "Join Acme Office" })).toBeInTheDocument();
    expect(ipc.argsOf("invitations_take_link")).toHaveLength(2);
    expect(ipc.argsOf("invitations_preview")).toEqual([{ token: CODE }]);
    await userEvent.click(screen.getByRole("button", { name: "Back to sign in" }));
    expect(screen.getByRole("heading", { name: "Sign in" })).toBeInTheDocument();
  });

  it("shows a link's invitation over a signed-in window and switches to the new user on joining", async () => {
    const shell = links();
    const joined = session({ userId: "u-grace", displayName: "Grace Hopper", isSuperUser: false, permissions: ["users.view"] });
    const ipc = mockApp({
      app_launch_state: launch({ session: session() }),
      invitations_take_link: shell.take,
      invitations_preview: () => preview(),
      invitations_accept: () => joined,
      users_list: () => page(summaries(0, 2)),
    });
    render(App);
    await screen.findByRole("button", { name: "Ada Admin" });

    await shell.arrive(CODE);

    expect(await screen.findByRole("heading", { name: "Join Acme Office" })).toBeInTheDocument();
    expect(
      screen.getByText("You are signed in as Ada Admin. Joining signs you in as the invited user instead."),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(await screen.findByRole("button", { name: "Ada Admin" })).toBeInTheDocument();

    await shell.arrive("second-code");
    await screen.findByRole("heading", { name: "Join Acme Office" });
    await userEvent.type(screen.getByLabelText("New password"), "four quiet harbour lamps");
    await userEvent.type(screen.getByLabelText("Confirm password"), "four quiet harbour lamps{Enter}");

    expect(await screen.findByRole("button", { name: "Grace Hopper" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Ada Admin" })).not.toBeInTheDocument();
    expect(ipc.argsOf("invitations_preview")).toEqual([{ token: CODE }, { token: "second-code" }]);
    expect(ipc.argsOf("invitations_accept")[0]).toMatchObject({ input: { token: "second-code" } });
  });

  it("speaks the system's Spanish: the sign-in screen with the demo hint, and an update with its date and download in Spanish figures", async () => {
    const install = deferred<null>();
    const ipc = mockApp({
      // The shell reports the OS's languages: the first Roster speaks wins.
      app_launch_state: launch({ demo: true, updates: true, systemLanguages: ["fr-FR", "es-MX", "en-US"] }),
      update_check: () => ({
        kind: "available",
        version: "9.9.9",
        currentVersion: "0.1.0",
        notes: null,
        date: "2026-12-01T09:00:00Z",
      }),
      update_install: () => install.promise,
    });
    render(App);

    await screen.findByRole("heading", { name: "Iniciar sesión" });
    expect(screen.getByText("Espacio de trabajo de demostración")).toBeInTheDocument();
    const hint = "Inicia sesión como admin@demo.example con la contraseña Demo-Roster-2031!";
    const shown = screen.getByText((_, element) => element?.tagName === "P" && element.textContent === hint);
    expect([...shown.querySelectorAll("code")].map((code) => code.textContent)).toEqual([
      "admin@demo.example",
      "Demo-Roster-2031!",
    ]);
    expect(screen.getByLabelText("Correo electrónico")).toBeInTheDocument();
    expect(screen.getByLabelText("Contraseña")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Tengo un código de invitación" })).toBeInTheDocument();

    const notice = await screen.findByRole("region", { name: "Actualización disponible" });
    expect(within(notice).getByRole("status")).toHaveTextContent("Roster 9.9.9 está disponible.");
    await userEvent.click(within(notice).getByRole("button", { name: "Ver novedades" }));
    const dialog = screen.getByRole("dialog", { name: "Actualizar Roster" });
    expect(dialog).toHaveTextContent("Roster 9.9.9 está disponible. Tienes la versión 0.1.0. Publicada el 1 dic 2026.");
    expect(dialog).toHaveTextContent("Esta versión no dice qué ha cambiado.");

    await userEvent.click(within(dialog).getByRole("button", { name: "Instalar y reiniciar" }));
    const channel = channelOf(ipc.argsOf("update_install")[0]?.onProgress);
    channel.send({ phase: "downloading", received: 1_500_000, total: 6_000_000 });
    expect(await within(dialog).findByText("1,5 MB de 6,0 MB")).toBeInTheDocument();
    expect(within(dialog).getByRole("progressbar")).toHaveAttribute("aria-valuetext", "1,5 MB de 6,0 MB");
    expect(dialog).toHaveTextContent("Descargando Roster 9.9.9…");
  });
});
