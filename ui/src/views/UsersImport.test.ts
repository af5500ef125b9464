import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ImportAction } from "../bindings/ImportAction";
import type { ImportOptions } from "../bindings/ImportOptions";
import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { ImportRowsPage } from "../bindings/ImportRowsPage";
import {
  importFile,
  importOutcome,
  importPreview,
  importRow,
  page,
  roles,
  session,
  summaries,
} from "../test/fixtures";
import { appError, channelOf, deferred, mockCommands, rejectWith, type Handler } from "../test/ipc";
import { setLanguage } from "../lib/i18n.svelte";
import Users from "./Users.svelte";

const importer = session({
  isSuperUser: false,
  permissions: ["users.view", "users.create", "users.invite", "users.edit", "users.remove", "users.import"],
});

function renderUsers(who = importer) {
  render(Users, { session: who, onSelfChanged: vi.fn(), onSessionChanged: vi.fn() });
}

/** Rows per kind, as the core pages them: `total` rows of the kind asked for, numbered from 2. */
function rowsHandler(totals: Partial<Record<ImportAction | "all", number>> = {}): Handler {
  return (args) => {
    const action = args.action as ImportAction | null;
    const total = totals[action ?? "all"] ?? 3;
    const offset = args.offset as number;
    const limit = args.limit as number;
    const count = Math.max(0, Math.min(limit, total - offset));
    const rows = Array.from({ length: count }, (_, index) =>
      importRow(offset + index + 2, action === null ? {} : { action, status: action === "add" ? "active" : null }),
    );
    const answer: ImportRowsPage = { rows, total };
    return answer;
  };
}

function handlers(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    users_list: () => page(summaries(0, 3)),
    roles_list: () => roles(),
    invitations_ready: () => true,
    users_import_open: () => importFile(),
    users_import_preview: () => importPreview(),
    users_import_rows: rowsHandler(),
    users_import_close: () => null,
    ...overrides,
  };
}

async function openDialog(who = importer): Promise<HTMLElement> {
  renderUsers(who);
  await screen.findAllByTestId("user-row");
  await userEvent.click(screen.getByRole("button", { name: "Import" }));
  return screen.findByRole("dialog", { name: "Import users from staff.csv" });
}

function lastOptions(ipc: ReturnType<typeof mockCommands>): ImportOptions {
  return ipc.argsOf("users_import_preview").at(-1)?.options as ImportOptions;
}

async function toReview(dialog: HTMLElement): Promise<void> {
  await userEvent.click(within(dialog).getByRole("button", { name: "Next" }));
  await within(dialog).findByRole("radio", { name: "All 5,000" });
}

describe("Import", () => {
  it("is offered only with the users.import permission", async () => {
    mockCommands(handlers());
    renderUsers(session({ isSuperUser: false, permissions: ["users.view", "users.create", "users.export"] }));
    await screen.findAllByTestId("user-row");
    expect(screen.queryByRole("button", { name: "Import" })).not.toBeInTheDocument();
  });

  it("is offered with users.import, next to Download", async () => {
    mockCommands(handlers());
    renderUsers(session({ isSuperUser: false, permissions: ["users.view", "users.export", "users.import"] }));
    await screen.findAllByTestId("user-row");
    const button = screen.getByRole("button", { name: "Import" });
    expect(button).toHaveAttribute("data-testid", "import-button");
    expect(screen.getByTestId("download-button").parentElement?.parentElement).toContainElement(button);
  });

  it("does nothing when the open dialog is cancelled", async () => {
    const ipc = mockCommands(handlers({ users_import_open: () => null }));
    renderUsers();
    await screen.findAllByTestId("user-row");

    await userEvent.click(screen.getByRole("button", { name: "Import" }));
    await waitFor(() => expect(ipc.argsOf("users_import_open")).toEqual([{}]));

    await waitFor(() => expect(screen.getByRole("button", { name: "Import" })).not.toHaveAttribute("aria-disabled"));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(ipc.calls.map((call) => call.command).filter((command) => command !== "users_list")).toEqual([
      "users_import_open",
    ]);
  });

  it("shows why a file cannot be imported, and nothing else happens", async () => {
    const message = "This file cannot be imported: it is larger than 50 MB.";
    const ipc = mockCommands(handlers({ users_import_open: rejectWith(appError("IMPORT_FILE", message)) }));
    renderUsers();
    await screen.findAllByTestId("user-row");

    await userEvent.click(screen.getByRole("button", { name: "Import" }));

    expect(await screen.findByRole("alert")).toHaveTextContent(message);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(ipc.argsOf("users_import_preview")).toEqual([]);
    await userEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Import" })).toHaveFocus();
  });

  it("shows how the file was read and presets each column to the guess", async () => {
    const ipc = mockCommands(handlers());
    const dialog = await openDialog();

    const file = within(dialog).getByTestId("import-file");
    expect(file).toHaveTextContent("staff.csv");
    expect(file).toHaveTextContent("CSV · UTF-16 LE · semicolon");
    expect(file).toHaveTextContent("Google Workspace user file");
    expect(file).toHaveTextContent("5,000 rows");

    expect(within(dialog).getByRole("combobox", { name: "First Name [Required] fills in" })).toHaveValue("firstName");
    expect(within(dialog).getByRole("combobox", { name: "Email Address [Required] fills in" })).toHaveValue("email");
    expect(within(dialog).getByRole("combobox", { name: "Mobile fills in" })).toHaveValue("");
    expect(within(dialog).getByTestId("import-ignored")).toHaveTextContent("Ignored: Mobile, Org Unit Path [Required].");
    const options = within(within(dialog).getByRole("combobox", { name: "Mobile fills in" })).getAllByRole("option");
    expect(options.map((option) => option.textContent)).toEqual([
      "Ignore",
      "First name",
      "Last name",
      "Full name",
      "Email",
      "Phone",
      "Role",
      "Status",
      "Password",
    ]);

    // The first preview: the guesses, invitations (email is set up), the built-in role.
    await waitFor(() => expect(ipc.argsOf("users_import_preview")).toHaveLength(1));
    expect(lastOptions(ipc)).toEqual({
      mapping: ["firstName", "lastName", "email", null, null],
      join: "invitation",
      isSuperUser: false,
      roleIds: ["r-member"],
      updateExisting: true,
      mustChangePassword: true,
    });
  });

  it("asks for a new preview with the new mapping when a column changes", async () => {
    const ipc = mockCommands(handlers());
    const dialog = await openDialog();
    await waitFor(() => expect(ipc.argsOf("users_import_preview")).toHaveLength(1));

    await userEvent.selectOptions(within(dialog).getByRole("combobox", { name: "Mobile fills in" }), "Phone");

    await waitFor(() => expect(ipc.argsOf("users_import_preview")).toHaveLength(2));
    expect(lastOptions(ipc).mapping).toEqual(["firstName", "lastName", "email", "phone", null]);
    expect(within(dialog).getByTestId("import-ignored")).toHaveTextContent("Ignored: Org Unit Path [Required].");

    // Two columns for one field: marked here, refused by the core as a whole.
    await userEvent.selectOptions(within(dialog).getByRole("combobox", { name: "Org Unit Path [Required] fills in" }), "Email");
    const clash = within(dialog).getByRole("combobox", { name: "Org Unit Path [Required] fills in" });
    expect(clash).toHaveAttribute("aria-invalid", "true");
    expect(clash).toHaveAccessibleDescription("Email is also chosen for “Email Address [Required]”.");
    await waitFor(() => expect(lastOptions(ipc).mapping).toEqual(["firstName", "lastName", "email", "phone", "email"]));
  });

  it("hides the values of a column chosen as Password", async () => {
    mockCommands(handlers());
    const dialog = await openDialog();
    expect(within(dialog).getByText("0700 000 001")).toBeInTheDocument();

    await userEvent.selectOptions(within(dialog).getByRole("combobox", { name: "Mobile fills in" }), "Password");

    expect(within(dialog).queryByText("0700 000 001")).not.toBeInTheDocument();
    expect(within(dialog).getByText("••••••••")).toBeInTheDocument();
  });

  it("shows the totals and the seats, and filters the rows by kind", async () => {
    const ipc = mockCommands(handlers({ users_import_rows: rowsHandler({ all: 5000, error: 2 }) }));
    const dialog = await openDialog();
    await toReview(dialog);

    const chips = within(within(dialog).getByRole("radiogroup", { name: "Show rows" })).getAllByRole<HTMLInputElement>("radio");
    expect(chips.map((chip) => chip.labels?.[0]?.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "All 5,000",
      "Add 4,990",
      "Update 4",
      "Restore 1",
      "No change 3",
      "Errors 2",
    ]);
    expect(within(dialog).getByRole("radio", { name: "All 5,000" })).toBeChecked();
    expect(within(dialog).getByTestId("import-seats")).toHaveTextContent("Seats: +37 seats");
    await waitFor(() => expect(within(dialog).getAllByTestId("import-row")).toHaveLength(100));
    expect(ipc.argsOf("users_import_rows").at(-1)).toEqual({ action: null, offset: 0, limit: 100 });
    expect(within(dialog).getByText("Rows 1–100 of 5,000")).toBeInTheDocument();

    await userEvent.click(within(dialog).getByRole("radio", { name: "Errors 2" }));
    await waitFor(() => expect(ipc.argsOf("users_import_rows").at(-1)).toEqual({ action: "error", offset: 0, limit: 100 }));
    await waitFor(() => expect(within(dialog).getAllByTestId("import-row")).toHaveLength(2));
  });

  it("pages the rows, never more than one page in the table", async () => {
    const ipc = mockCommands(handlers({ users_import_rows: rowsHandler({ all: 150_000 }) }));
    const dialog = await openDialog();
    await toReview(dialog);
    await waitFor(() => expect(within(dialog).getAllByTestId("import-row")).toHaveLength(100));
    expect(within(dialog).getByRole("button", { name: "Previous" })).toBeDisabled();

    await userEvent.click(within(dialog).getByRole("button", { name: "Next" }));

    await waitFor(() => expect(ipc.argsOf("users_import_rows").at(-1)).toEqual({ action: null, offset: 100, limit: 100 }));
    await within(dialog).findByText("Rows 101–200 of 150,000");
    expect(within(dialog).getAllByTestId("import-row")).toHaveLength(100);
    expect(within(dialog).getAllByTestId("import-row")[0]).toHaveTextContent("102");
    expect(within(dialog).getByRole("button", { name: "Previous" })).toBeEnabled();
  });

  it("says what each row does", async () => {
    const rows: ImportRowsPage = {
      total: 5,
      rows: [
        importRow(2, { action: "add", status: "invited" }),
        importRow(3, {
          action: "update",
          status: null,
          changes: [
            { field: "Phone", from: "0700", to: "0711" },
            { field: "Role", from: "Member", to: "Sales" },
          ],
        }),
        importRow(4, { action: "restore", status: "active" }),
        importRow(5, { action: "noChange", status: null }),
        importRow(6, { action: "error", status: null, error: { column: "Email", message: "Not an email address." } }),
      ],
    };
    mockCommands(handlers({ users_import_rows: () => rows }));
    const dialog = await openDialog();
    await toReview(dialog);

    const table = await within(dialog).findByRole("table", { name: "What each row will do" });
    const cells = within(table)
      .getAllByTestId("import-row")
      .map((row) => row.lastElementChild?.textContent);
    expect(cells).toEqual([
      "Add (invited)",
      "Update: Phone 0700 → 0711; Role Member → Sales",
      "Restore (active)",
      "No change",
      "Error — Email: Not an email address.",
    ]);
  });

  it("disables Apply while the preview has a blocker, and says why", async () => {
    const blocker = "No column fills in Email.";
    mockCommands(handlers({ users_import_preview: () => importPreview({ blocker }) }));
    const dialog = await openDialog();

    expect(await within(dialog).findByTestId("import-blocker")).toHaveTextContent(blocker);
    await toReview(dialog);
    expect(within(dialog).getByTestId("import-blocker")).toHaveTextContent(blocker);
    expect(within(dialog).getByRole("button", { name: "Apply 4,995 changes" })).toBeDisabled();
  });

  it("disables Apply when nothing would change", async () => {
    mockCommands(
      handlers({
        users_import_preview: () => importPreview({ totals: { add: 0, update: 0, restore: 0, noChange: 5000, error: 0 }, seats: 0 }),
      }),
    );
    const dialog = await openDialog();
    await userEvent.click(within(dialog).getByRole("button", { name: "Next" }));

    expect(await within(dialog).findByRole("button", { name: "Apply 0 changes" })).toBeDisabled();
    expect(within(dialog).getByText("Nothing to apply: no row adds, updates or restores a user.")).toBeInTheDocument();
    expect(within(dialog).getByTestId("import-seats")).toHaveTextContent("No change in seats");
  });

  it("explains why invitations cannot be sent, and makes passwords instead", async () => {
    const ipc = mockCommands(handlers({ invitations_ready: () => false }));
    const dialog = await openDialog();
    await toReview(dialog);

    const invite = within(dialog).getByRole("radio", { name: "Send an invitation to each" });
    expect(invite).toBeDisabled();
    expect(invite).toHaveAccessibleDescription("Email invitations need email to be set up first (Settings → Email).");
    expect(within(dialog).getByRole("radio", { name: "Use the file's Password column" })).toBeDisabled();
    expect(within(dialog).getByRole("radio", { name: "Make a strong password for each" })).toBeChecked();
    expect(
      within(dialog).getByRole("checkbox", { name: "Ask new users to choose their own password at first sign-in" }),
    ).toBeChecked();
    expect(ipc.argsOf("users_import_preview")[0]?.options).toMatchObject({ join: "generatedPassword" });
  });

  it("sends the options as they are changed", async () => {
    const file = importFile({
      columns: [
        ...importFile().columns,
        { header: "Password", samples: ["Correct-Horse-2031"], guess: "password" },
      ],
    });
    const ipc = mockCommands(handlers({ users_import_open: () => file }));
    const dialog = await openDialog();
    await toReview(dialog);
    // A file with passwords starts with them.
    expect(lastOptions(ipc)).toMatchObject({ join: "filePassword", mustChangePassword: true });

    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Ask new users to choose their own password at first sign-in" }));
    await waitFor(() => expect(lastOptions(ipc)).toMatchObject({ mustChangePassword: false }));
    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Update users already in the Workspace" }));
    await waitFor(() => expect(lastOptions(ipc)).toMatchObject({ updateExisting: false }));
    await userEvent.click(within(dialog).getByRole("checkbox", { name: "Sales" }));
    await waitFor(() => expect(lastOptions(ipc)).toMatchObject({ roleIds: ["r-member", "r-sales"] }));
    await userEvent.click(within(dialog).getByRole("radio", { name: "Send an invitation to each" }));
    await waitFor(() => expect(lastOptions(ipc)).toMatchObject({ join: "invitation" }));
    // Invitations have no password to change.
    expect(
      within(dialog).queryByRole("checkbox", { name: "Ask new users to choose their own password at first sign-in" }),
    ).not.toBeInTheDocument();
  });

  it("applies with progress from the channel, stays open on Esc, cancels, and shows the outcome", async () => {
    const pending = deferred<ImportOutcome | null>();
    const ipc = mockCommands(
      handlers({
        users_import_apply: () => pending.promise,
        users_import_cancel: () => null,
        users_import_report: () => "/home/ada/staff-import-report.csv",
      }),
    );
    const dialog = await openDialog();
    await toReview(dialog);

    await userEvent.click(within(dialog).getByRole("button", { name: "Apply 4,995 changes" }));
    await waitFor(() => expect(ipc.argsOf("users_import_apply")).toHaveLength(1));
    const channel = channelOf(ipc.argsOf("users_import_apply")[0]?.onProgress);
    const progress = await within(dialog).findByTestId("import-progress");
    const bar = within(progress).getByRole("progressbar", { name: "Applying…" });
    expect(bar).not.toHaveAttribute("aria-valuenow");

    channel.send({ done: 0, total: 5000, elapsedMs: 0 });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "0"));
    expect(progress).toHaveTextContent("0 of 5,000");
    expect(progress).not.toHaveTextContent("left");
    channel.send({ done: 1200, total: 5000, elapsedMs: 30_000 });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "1200"));
    expect(bar).toHaveAttribute("aria-valuemax", "5000");
    expect(progress).toHaveTextContent("1,200 of 5,000 · about 2 minutes left");
    expect(within(progress).getByRole("status")).toHaveTextContent("Applying… 20 percent done.");

    // Esc does not close while Apply runs: it points at Cancel.
    await userEvent.keyboard("{Escape}");
    expect(screen.getByRole("dialog", { name: "Import users from staff.csv" })).toBeInTheDocument();
    const cancel = within(progress).getByRole("button", { name: "Cancel" });
    expect(cancel).toHaveFocus();
    expect(ipc.argsOf("users_import_close")).toEqual([]);

    await userEvent.click(cancel);
    await waitFor(() => expect(ipc.argsOf("users_import_cancel")).toEqual([{}]));
    expect(within(progress).getByRole("heading", { name: "Cancelling…" })).toBeInTheDocument();
    const rowsBefore = ipc.argsOf("users_import_rows").length;
    pending.resolve(
      importOutcome({
        totals: { add: 1150, update: 40, restore: 10, noChange: 0, error: 0 },
        notReached: 3800,
        cancelled: true,
      }),
    );

    const result = await within(dialog).findByTestId("import-result");
    expect(within(result).getByRole("heading", { name: "Import cancelled" })).toHaveFocus();
    expect(within(result).getByRole("status")).toHaveTextContent("Added 1,150, updated 40, restored 10.");
    expect(within(result).getByTestId("import-cancelled")).toHaveTextContent(
      "Cancelled: the first 1,200 changes were applied and stay; 3,800 were not reached.",
    );
    // The table now says what happened, from the core's result.
    await waitFor(() => expect(ipc.argsOf("users_import_rows").length).toBeGreaterThan(rowsBefore));
    expect(await within(dialog).findByRole("table", { name: "What happened to each row" })).toBeInTheDocument();
    expect(within(dialog).getByRole("radio", { name: "Added 1,150" })).toBeInTheDocument();
    // Rows not reached are listed by the core as errors ("Not applied: …"), outside `totals`.
    expect(within(dialog).getByRole("radio", { name: "Errors 3,800" })).toBeInTheDocument();
    expect(within(dialog).getByRole("radio", { name: "All 5,000" })).toBeChecked();

    await userEvent.click(within(result).getByRole("button", { name: "Download report" }));
    expect(await within(result).findByTestId("import-report-saved")).toHaveTextContent(
      "Report saved to /home/ada/staff-import-report.csv.",
    );
    expect(ipc.argsOf("users_import_report")).toEqual([{}]);

    const listed = ipc.argsOf("users_list").length;
    await userEvent.click(within(dialog).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    await waitFor(() => expect(ipc.argsOf("users_import_close")).toEqual([{}]));
    // The list shows the imported users.
    await waitFor(() => expect(ipc.argsOf("users_list").length).toBeGreaterThan(listed));
    expect(screen.getByRole("button", { name: "Import" })).toHaveFocus();
  });

  it("shows where the passwords went, what stopped Apply, and rows not imported", async () => {
    mockCommands(
      handlers({
        users_import_preview: () => importPreview(),
        users_import_apply: () =>
          importOutcome({
            totals: { add: 37, update: 4, restore: 1, noChange: 3, error: 2 },
            notReached: 10,
            stoppedBy: "The database is read-only.",
            passwordsFile: "/home/ada/new-passwords.csv",
          }),
      }),
    );
    const dialog = await openDialog();
    await toReview(dialog);
    await userEvent.click(within(dialog).getByRole("button", { name: "Apply 4,995 changes" }));

    const result = await within(dialog).findByTestId("import-result");
    expect(within(result).getByRole("heading", { name: "Import stopped" })).toBeInTheDocument();
    expect(within(result).getByRole("status")).toHaveTextContent("Added 37, updated 4, restored 1; 2 rows not imported.");
    expect(within(result).getByRole("alert")).toHaveTextContent("The database is read-only.");
    expect(result).toHaveTextContent("The changes applied before it stay; 10 rows were not reached.");
    expect(within(result).getByTestId("import-passwords")).toHaveTextContent(
      "Passwords saved to /home/ada/new-passwords.csv.",
    );
  });

  it("goes back to the preview when the passwords save dialog is cancelled", async () => {
    const ipc = mockCommands(handlers({ invitations_ready: () => false, users_import_apply: () => null }));
    const dialog = await openDialog();
    await toReview(dialog);

    await userEvent.click(within(dialog).getByRole("button", { name: "Apply 4,995 changes" }));

    expect(await within(dialog).findByText("Nothing was applied: no file was chosen for the new passwords.")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Apply 4,995 changes" })).toBeEnabled();
    const listed = ipc.argsOf("users_list").length;
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(ipc.argsOf("users_import_close")).toEqual([{}]));
    // Nothing changed, so the list is not fetched again.
    expect(ipc.argsOf("users_list")).toHaveLength(listed);
  });

  it("shows an error Apply ends with on the preview, which is asked again", async () => {
    const ipc = mockCommands(handlers({ users_import_apply: rejectWith(appError("FORBIDDEN", "You may not import users.")) }));
    const dialog = await openDialog();
    await toReview(dialog);
    const previews = ipc.argsOf("users_import_preview").length;

    await userEvent.click(within(dialog).getByRole("button", { name: "Apply 4,995 changes" }));

    expect(await within(dialog).findByRole("alert")).toHaveTextContent("You may not import users.");
    await waitFor(() => expect(ipc.argsOf("users_import_preview").length).toBeGreaterThan(previews));
  });

  it("closes with Esc before Apply and tells the core to forget the file", async () => {
    const ipc = mockCommands(handlers());
    await openDialog();

    await userEvent.keyboard("{Escape}");

    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    await waitFor(() => expect(ipc.argsOf("users_import_close")).toEqual([{}]));
    expect(ipc.argsOf("users_import_apply")).toEqual([]);
  });

  it("speaks Spanish: the file, the columns, the chips with their counts, the rows and Apply", async () => {
    setLanguage("es");
    mockCommands(handlers({ users_import_rows: rowsHandler({ all: 150_000 }) }));
    renderUsers();
    await screen.findAllByTestId("user-row");
    await userEvent.click(screen.getByTestId("import-button"));
    const dialog = await screen.findByRole("dialog", { name: "Importar usuarios de staff.csv" });

    const file = within(dialog).getByTestId("import-file");
    expect(file).toHaveTextContent("Leído como CSV · UTF-16 LE · punto y coma");
    expect(file).toHaveTextContent("Reconocido como Archivo de usuarios de Google Workspace");
    expect(file).toHaveTextContent("Usuarios en el archivo 5000 filas");
    const mobile = within(dialog).getByRole("combobox", { name: "Qué rellena Mobile" });
    expect(within(mobile).getAllByRole("option").map((option) => option.textContent)).toEqual([
      "Ignorar",
      "Nombre",
      "Apellidos",
      "Nombre completo",
      "Correo electrónico",
      "Teléfono",
      "Rol",
      "Estado",
      "Contraseña",
    ]);
    expect(within(dialog).getByTestId("import-ignored")).toHaveTextContent("Ignoradas: Mobile, Org Unit Path [Required].");

    await userEvent.click(within(dialog).getByRole("button", { name: "Siguiente" }));
    await within(dialog).findByRole("radio", { name: "Todas 5000" });
    const chips = within(within(dialog).getByRole("radiogroup", { name: "Mostrar filas" })).getAllByRole<HTMLInputElement>("radio");
    expect(chips.map((chip) => chip.labels?.[0]?.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "Todas 5000",
      "Añadir 4990",
      "Actualizar 4",
      "Restaurar 1",
      "Sin cambios 3",
      "Errores 2",
    ]);
    expect(within(dialog).getByTestId("import-seats")).toHaveTextContent("Licencias: +37 licencias");
    expect(within(dialog).getByRole("group", { name: "Cómo se unen los usuarios nuevos" })).toBeInTheDocument();
    const table = await within(dialog).findByRole("table", { name: "Qué hará cada fila" });
    await waitFor(() => expect(within(table).getAllByTestId("import-row")).toHaveLength(100));
    expect(within(table).getAllByTestId("import-row")[0]?.lastElementChild).toHaveTextContent("Añadir (activo)");
    expect(within(dialog).getByText("Filas 1–100 de 150.000")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Aplicar 4995 cambios" })).toBeEnabled();
  });
});
