import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { EmailSettings } from "../bindings/EmailSettings";
import type { EmailSettingsInput } from "../bindings/EmailSettingsInput";
import { setLanguage } from "../lib/i18n.svelte";
import { live } from "../lib/live.svelte";
import { emailSettings, session } from "../test/fixtures";
import { appError, deferred, mockCommands, rejectWith, type Handler } from "../test/ipc";
import Settings from "./Settings.svelte";

const MAIL_FAILURE =
  "The email was not sent: no mail server answered at smtp.acme.example:587. Check the SMTP host, the port and the security: port 465 usually needs “TLS from the start”, port 587 “STARTTLS”";

function renderSettings(handlers: Record<string, Handler> = {}, who = session()) {
  const ipc = mockCommands({ settings_email_get: () => emailSettings(), ...handlers });
  render(Settings, { session: who });
  return ipc;
}

async function loaded(): Promise<HTMLElement> {
  await screen.findByLabelText("SMTP host");
  return screen.getByRole("region", { name: "Email" });
}

function savedInputs(ipc: ReturnType<typeof renderSettings>): EmailSettingsInput[] {
  return ipc.argsOf("settings_email_save").map((args) => args.input as EmailSettingsInput);
}

/**
 * What `settings_email_save` answers: the input as saved, one version on. A blank password is
 * kept only while host, port, security and username stay those of the fixture (as the core does).
 */
function savedFrom(args: Record<string, unknown>, overrides: Partial<EmailSettings> = {}): EmailSettings {
  const input = args.input as EmailSettingsInput;
  const before = emailSettings();
  const sameServer =
    input.host === before.host &&
    input.port === before.port &&
    input.security === before.security &&
    input.username === before.username;
  return emailSettings({
    host: input.host,
    port: input.port,
    security: input.security,
    username: input.username,
    senderName: input.senderName,
    senderAddress: input.senderAddress,
    invitationDays: input.invitationDays,
    timeoutSeconds: input.timeoutSeconds,
    hasPassword: input.password === null ? sameServer : input.password !== "",
    version: input.expectedVersion + 1,
    ...overrides,
  });
}

describe("Settings → Email", () => {
  it("fills the form from the saved settings, without the password", async () => {
    renderSettings();
    const email = await loaded();

    expect(screen.getByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
    expect(within(email).getByLabelText("SMTP host")).toHaveValue("smtp.acme.example");
    expect(within(email).getByLabelText("Port")).toHaveValue("587");
    expect(within(email).getByLabelText("Security")).toHaveValue("starttls");
    expect(within(email).getByRole("combobox", { name: "Security" })).toHaveDisplayValue("STARTTLS (port 587)");
    expect(within(email).getByLabelText("Username (optional)")).toHaveValue("roster@acme.example");
    const password = within(email).getByLabelText("Password");
    expect(password).toHaveValue("");
    expect(password).toHaveAttribute("type", "password");
    expect(password).toHaveAccessibleDescription("Saved in the system keychain. Leave this blank to keep it.");
    expect(within(email).getByLabelText("Sender name")).toHaveValue("Acme Office");
    expect(within(email).getByLabelText("Sender address")).toHaveValue("roster@acme.example");
    expect(within(email).getByLabelText("Invitations valid for (days)")).toHaveValue("7");
    expect(within(email).getByLabelText("Timeout per step (seconds)")).toHaveValue("15");
    expect(screen.queryByTestId("no-keychain")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Send to")).toHaveValue("admin@acme.example");
  });

  it("offers the three kinds of security by their names", async () => {
    renderSettings();
    const email = await loaded();

    const options = within(within(email).getByLabelText("Security")).getAllByRole("option");
    expect(options.map((option) => option.textContent)).toEqual([
      "STARTTLS (port 587)",
      "TLS from the start (port 465)",
      "None — only for a server on this computer",
    ]);
  });

  it("saves with the loaded version, keeping the saved password while the field is blank", async () => {
    const ipc = renderSettings({ settings_email_save: (args) => savedFrom(args) });
    const email = await loaded();

    const senderName = within(email).getByLabelText("Sender name");
    await userEvent.clear(senderName);
    await userEvent.type(senderName, "Acme People");
    await userEvent.click(within(email).getByRole("button", { name: "Save" }));

    expect(await within(email).findByRole("status")).toHaveTextContent(/^Email settings saved\.$/);
    expect(within(email).getByLabelText("Password")).toHaveAccessibleDescription(
      "Saved in the system keychain. Leave this blank to keep it.",
    );
    expect(savedInputs(ipc)).toEqual([
      {
        host: "smtp.acme.example",
        port: 587,
        security: "starttls",
        username: "roster@acme.example",
        password: null,
        senderName: "Acme People",
        senderAddress: "roster@acme.example",
        invitationDays: 7,
        timeoutSeconds: 15,
        expectedVersion: 3,
      },
    ]);

    await userEvent.type(within(email).getByLabelText("Password"), "app password 1");
    await userEvent.clear(within(email).getByLabelText("Invitations valid for (days)"));
    await userEvent.type(within(email).getByLabelText("Invitations valid for (days)"), "14");
    await userEvent.click(within(email).getByRole("button", { name: "Save" }));

    await waitFor(() => expect(savedInputs(ipc)).toHaveLength(2));
    expect(savedInputs(ipc)[1]).toMatchObject({ password: "app password 1", invitationDays: 14, expectedVersion: 4 });
    await waitFor(() => expect(within(email).getByLabelText("Password")).toHaveValue(""));
  });

  it("warns that another server, port, security or username forgets the saved password", async () => {
    const ipc = renderSettings({ settings_email_save: (args) => savedFrom(args) });
    const email = await loaded();
    const password = within(email).getByLabelText("Password");
    const warning =
      "The saved password is only for the server it was saved with: type it again, or saving forgets it.";

    const host = within(email).getByLabelText("SMTP host");
    await userEvent.clear(host);
    await userEvent.type(host, "mail.elsewhere.example");
    expect(password).toHaveAccessibleDescription(warning);
    await userEvent.clear(host);
    await userEvent.type(host, "smtp.acme.example");
    expect(password).toHaveAccessibleDescription("Saved in the system keychain. Leave this blank to keep it.");
    await userEvent.type(within(email).getByLabelText("Username (optional)"), "x");
    expect(password).toHaveAccessibleDescription(warning);

    await userEvent.click(within(email).getByRole("button", { name: "Save" }));

    expect(await within(email).findByRole("status")).toHaveTextContent(
      "Email settings saved. The saved password was for the previous server and was forgotten: enter the password for this one.",
    );
    expect(savedInputs(ipc)[0]).toMatchObject({ username: "roster@acme.examplex", password: null });
    expect(password).toHaveAccessibleDescription("No password saved.");
  });

  it("forgets the saved password at once, sending \"\" with the settings as saved", async () => {
    const ipc = renderSettings({ settings_email_save: (args) => savedFrom(args) });
    const email = await loaded();
    await userEvent.type(within(email).getByLabelText("Sender name"), " Team");

    await userEvent.click(within(email).getByRole("button", { name: "Forget saved password" }));
    const dialog = screen.getByRole("alertdialog", { name: "Forget the saved SMTP password?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Forget password" }));

    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(savedInputs(ipc)).toEqual([
      {
        host: "smtp.acme.example",
        port: 587,
        security: "starttls",
        username: "roster@acme.example",
        password: "",
        senderName: "Acme Office",
        senderAddress: "roster@acme.example",
        invitationDays: 7,
        timeoutSeconds: 15,
        expectedVersion: 3,
      },
    ]);
    expect(within(email).getByRole("status")).toHaveTextContent("The saved password was forgotten.");
    expect(within(email).getByLabelText("Password")).toHaveAccessibleDescription("No password saved.");
    expect(within(email).queryByRole("button", { name: "Forget saved password" })).not.toBeInTheDocument();
    expect(within(email).getByLabelText("Sender name")).toHaveValue("Acme Office Team");

    await userEvent.click(within(email).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(savedInputs(ipc)).toHaveLength(2));
    expect(savedInputs(ipc)[1]).toMatchObject({ password: null, senderName: "Acme Office Team", expectedVersion: 4 });
  });

  it("shows the core's field errors under their inputs", async () => {
    renderSettings({
      settings_email_save: rejectWith(
        appError("VALIDATION", "Enter the SMTP host, like smtp.example.com", "smtpHost"),
      ),
    });
    const email = await loaded();
    await userEvent.clear(within(email).getByLabelText("SMTP host"));

    await userEvent.click(within(email).getByRole("button", { name: "Save" }));

    const error = await within(email).findByTestId("field-error-smtpHost");
    expect(error).toHaveTextContent("Enter the SMTP host, like smtp.example.com");
    expect(within(email).getByLabelText("SMTP host")).toHaveAttribute("aria-invalid", "true");
    expect(within(email).queryByTestId("form-error")).not.toBeInTheDocument();
  });

  it("shows a security error under Security", async () => {
    const message =
      "Choose STARTTLS or TLS as security: without encryption the password and invitations would cross the network in clear (no encryption only for localhost)";
    renderSettings({ settings_email_save: rejectWith(appError("VALIDATION", message, "smtpSecurity")) });
    const email = await loaded();
    await userEvent.selectOptions(within(email).getByLabelText("Security"), "none");

    await userEvent.click(within(email).getByRole("button", { name: "Save" }));

    expect(await within(email).findByTestId("field-error-smtpSecurity")).toHaveTextContent(message);
    expect(within(email).getByLabelText("Security")).toHaveAccessibleDescription(message);
  });

  it("refuses a port that is not a number before asking the core", async () => {
    const ipc = renderSettings({ settings_email_save: (args) => savedFrom(args) });
    const email = await loaded();
    const port = within(email).getByLabelText("Port");
    await userEvent.clear(port);
    await userEvent.type(port, "58x");

    await userEvent.click(within(email).getByRole("button", { name: "Save" }));

    expect(await within(email).findByTestId("field-error-smtpPort")).toHaveTextContent("Enter a port from 1 to 65535");
    expect(ipc.argsOf("settings_email_save")).toEqual([]);
  });

  it("suggests the usual port of the chosen security unless another port was typed", async () => {
    renderSettings({ settings_email_get: () => emailSettings({ version: 0, host: "" }) });
    const email = await loaded();
    const port = within(email).getByLabelText("Port");
    const security = within(email).getByLabelText("Security");

    await userEvent.selectOptions(security, "tls");
    expect(port).toHaveValue("465");
    await userEvent.selectOptions(security, "none");
    expect(port).toHaveValue("25");
    await userEvent.selectOptions(security, "starttls");
    expect(port).toHaveValue("587");

    await userEvent.clear(port);
    await userEvent.type(port, "2525");
    await userEvent.selectOptions(security, "tls");
    expect(port).toHaveValue("2525");
  });

  it("shows a conflict with Reload, which fills the form again", async () => {
    let reads = 0;
    const ipc = renderSettings({
      settings_email_get: () => (++reads === 1 ? emailSettings() : emailSettings({ host: "relay.acme.example", version: 5 })),
      settings_email_save: rejectWith(
        appError("CONFLICT", "Someone else changed these settings. Reload to see their changes."),
      ),
    });
    const email = await loaded();
    await userEvent.type(within(email).getByLabelText("Sender name"), " HQ");

    await userEvent.click(within(email).getByRole("button", { name: "Save" }));
    const alert = await within(email).findByTestId("form-error");
    expect(alert).toHaveTextContent("Someone else changed these settings. Reload to see their changes.");
    await userEvent.click(within(alert).getByRole("button", { name: "Reload" }));

    await waitFor(() => expect(within(email).getByLabelText("SMTP host")).toHaveValue("relay.acme.example"));
    expect(within(email).getByLabelText("Sender name")).toHaveValue("Acme Office");
    expect(within(email).queryByTestId("form-error")).not.toBeInTheDocument();
    expect(ipc.argsOf("settings_email_get")).toHaveLength(2);
  });

  it("says when there is no keychain and the password lasts only until Roster closes", async () => {
    renderSettings({ settings_email_get: () => emailSettings({ passwordStorage: "session" }) });
    const email = await loaded();

    expect(screen.getByTestId("no-keychain")).toHaveTextContent(
      "No system keychain was found on this computer. Roster keeps the SMTP password only until it closes; enter it again after restarting.",
    );
    expect(within(email).getByLabelText("Password")).toHaveAccessibleDescription(
      "Kept only until Roster closes. Leave this blank to keep it.",
    );
  });

  it("says that a shared Workspace's password is kept at its hub, never here", async () => {
    renderSettings({ settings_email_get: () => emailSettings({ passwordStorage: "hub", hasPassword: false }) });
    const email = await loaded();

    expect(screen.queryByTestId("no-keychain")).not.toBeInTheDocument();
    expect(within(email).getByLabelText("Password")).toHaveAccessibleDescription(
      "The password is kept only at the hub that shares this Workspace. Leave this blank to keep the one saved there.",
    );
  });

  it("says so when no password is saved, and offers nothing to forget", async () => {
    renderSettings({ settings_email_get: () => emailSettings({ hasPassword: false, version: 0 }) });
    const email = await loaded();

    expect(within(email).getByLabelText("Password")).toHaveAccessibleDescription("No password saved.");
    expect(within(email).queryByRole("button", { name: "Forget saved password" })).not.toBeInTheDocument();
  });

  it("sends a test email to the signed-in user while the page stays usable", async () => {
    const pending = deferred<null>();
    const ipc = renderSettings({ settings_email_test: () => pending.promise });
    const email = await loaded();
    const test = screen.getByRole("region", { name: "Send a test email" });

    await userEvent.click(within(test).getByRole("button", { name: "Send test email" }));

    const button = within(test).getByRole("button", { name: "Sending test email…" });
    expect(button).toHaveAttribute("aria-disabled", "true");
    await userEvent.click(button);
    await userEvent.type(within(email).getByLabelText("Sender name"), " HQ");
    expect(within(email).getByLabelText("Sender name")).toHaveValue("Acme Office HQ");
    expect(ipc.argsOf("settings_email_test")).toEqual([{ to: "admin@acme.example" }]);

    pending.resolve(null);
    expect(await within(test).findByRole("status")).toHaveTextContent("Test email sent to admin@acme.example.");
    expect(within(test).getByRole("button", { name: "Send test email" })).not.toHaveAttribute("aria-disabled", "true");
  });

  it("sends the test to another address and shows the exact failure", async () => {
    const ipc = renderSettings({ settings_email_test: rejectWith(appError("MAIL", MAIL_FAILURE)) });
    await loaded();
    const test = screen.getByRole("region", { name: "Send a test email" });
    const to = within(test).getByLabelText("Send to");
    await userEvent.clear(to);
    await userEvent.type(to, "grace@acme.example{Enter}");

    expect(await within(test).findByTestId("form-error")).toHaveTextContent(MAIL_FAILURE);
    expect(within(test).queryByRole("status")).not.toBeInTheDocument();
    expect(ipc.argsOf("settings_email_test")).toEqual([{ to: "grace@acme.example" }]);
  });

  it("shows EMAIL_NOT_CONFIGURED from a test before the first save", async () => {
    renderSettings({
      settings_email_test: rejectWith(appError("EMAIL_NOT_CONFIGURED", "Set up email first: fill in and save these settings.")),
    });
    await loaded();
    const test = screen.getByRole("region", { name: "Send a test email" });

    await userEvent.click(within(test).getByRole("button", { name: "Send test email" }));

    expect(await within(test).findByTestId("form-error")).toHaveTextContent(
      "Set up email first: fill in and save these settings.",
    );
  });

  it("shows a load error with Try again", async () => {
    let reads = 0;
    renderSettings({
      settings_email_get: () =>
        ++reads === 1 ? Promise.reject(appError("KEYCHAIN", "The system keychain did not answer.")) : emailSettings(),
    });

    const alert = await screen.findByTestId("form-error");
    expect(alert).toHaveTextContent("The system keychain did not answer.");
    await userEvent.click(within(alert).getByRole("button", { name: "Try again" }));

    expect(await screen.findByLabelText("SMTP host")).toHaveValue("smtp.acme.example");
  });

  it("loads nothing without settings.manage", async () => {
    const ipc = renderSettings({}, session({ isSuperUser: false, permissions: ["users.view"] }));

    expect(await screen.findByText("Settings need the “Manage settings” permission.")).toBeInTheDocument();
    expect(ipc.calls).toEqual([]);
  });
});

describe("Settings in Spanish", () => {
  it("names the fields, the sharing card's last sync and the changes to discard in Spanish", async () => {
    setLanguage("es");
    mockCommands({
      settings_email_get: () => emailSettings(),
      sync_status: () => ({
        state: "synced",
        problem: null,
        summary: {
          hubAddress: "https://hub.example.org",
          lastSyncedAt: "2026-12-02T08:00:00Z",
          waiting: 3,
          notApplied: 0,
          tokenStorage: "keychain",
        },
      }),
    });
    const stopLive = live.start();
    try {
      render(Settings, { session: session() });
      const email = await screen.findByRole("region", { name: "Correo electrónico" });

      expect(screen.getByRole("heading", { level: 1, name: "Configuración" })).toBeInTheDocument();
      expect(within(email).getByLabelText("Servidor SMTP")).toHaveValue("smtp.acme.example");
      expect(within(email).getByRole("combobox", { name: "Seguridad" })).toHaveDisplayValue("STARTTLS (puerto 587)");
      expect(within(email).getByLabelText("Contraseña")).toHaveAccessibleDescription(
        "Guardada en el llavero del sistema. Deja esto en blanco para conservarla.",
      );
      const sharing = await screen.findByTestId("workspace-sharing");
      await waitFor(() =>
        expect(sharing).toHaveTextContent("Compartido a través del hub de Roster en https://hub.example.org."),
      );
      expect(sharing).toHaveTextContent(/Última sincronización: 2 dic 2026/);

      await userEvent.click(within(sharing).getByRole("button", { name: "Salir del hub" }));
      const question = screen.getByRole("alertdialog", { name: "¿Salir del hub y descartar 3 cambios?" });
      expect(question).toHaveTextContent("3 cambios hechos aquí no han llegado al hub y se perderán.");
    } finally {
      stopLive();
    }
  });
});
