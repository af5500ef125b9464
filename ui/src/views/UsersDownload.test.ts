import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ExportOutcome } from "../bindings/ExportOutcome";
import type { UserQuery } from "../bindings/UserQuery";
import { page, session, summaries } from "../test/fixtures";
import { appError, channelOf, deferred, mockCommands, rejectWith, type Handler } from "../test/ipc";
import Users from "./Users.svelte";

const exporter = session({ permissions: ["users.view", "users.export"] });
const outcome: ExportOutcome = {
  path: "/home/ada/Downloads/users.xlsx",
  fileName: "users.xlsx",
  rows: 3,
  cut: [],
  cutTotal: 0,
};

function renderUsers(who = exporter) {
  render(Users, { session: who, onSelfChanged: vi.fn(), onSessionChanged: vi.fn() });
}

/** The list answers with 3 rows; `matching` is 42, or what `matchingFor` says for the query. */
function listHandler(matchingFor: (query: UserQuery) => number = () => 42): Handler {
  return (args) => page(summaries(0, 3), null, matchingFor(args.query as UserQuery));
}

async function choose(name: string): Promise<void> {
  await userEvent.click(screen.getByTestId("download-button"));
  await userEvent.click(screen.getByRole("menuitem", { name }));
}

function expectNothingShown(): void {
  expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
  expect(screen.queryByTestId("export-done")).not.toBeInTheDocument();
  expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
  expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
  expect(screen.queryByRole("status")).not.toBeInTheDocument();
}

describe("Download", () => {
  it("is offered only with the users.export permission, even to a super-user", async () => {
    mockCommands({ users_list: listHandler() });
    renderUsers(session({ isSuperUser: true, permissions: ["users.view", "users.create", "users.edit"] }));
    await screen.findAllByTestId("user-row");

    expect(screen.queryByTestId("download-button")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Download" })).not.toBeInTheDocument();
  });

  it("offers All users and the current view in both formats, with the count of the view", async () => {
    mockCommands({ users_list: listHandler() });
    renderUsers(session({ isSuperUser: false, permissions: ["users.view", "users.export"] }));
    await screen.findAllByTestId("user-row");

    const button = screen.getByRole("button", { name: "Download" });
    expect(button).toHaveAttribute("data-testid", "download-button");
    expect(button).toHaveAttribute("aria-haspopup", "menu");
    await userEvent.click(button);

    const items = within(screen.getByRole("menu")).getAllByRole("menuitem");
    expect(items.map((item) => item.textContent?.trim())).toEqual([
      "Excel (.xlsx) — All users, including removed",
      "Excel (.xlsx) — Current view (42 users)",
      "CSV — All users, including removed",
      "CSV — Current view (42 users)",
    ]);
  });

  it("sends everyone by name for All users, in the chosen format", async () => {
    const ipc = mockCommands({ users_list: listHandler(), users_export: () => null });
    renderUsers();
    await screen.findAllByTestId("user-row");
    // A view that differs from All users in every respect.
    await userEvent.type(screen.getByLabelText("Search users"), "gra");
    await userEvent.click(screen.getByRole("radio", { name: "Removed" }));
    await userEvent.click(screen.getByRole("button", { name: "Email" }));
    await waitFor(() => expect((ipc.argsOf("users_list").at(-1)?.query as UserQuery).sort).toBe("email"));

    await choose("Excel (.xlsx) — All users, including removed");
    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(1));
    await choose("CSV — All users, including removed");
    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(2));

    const all = { search: "", filter: "all", sort: "name", direction: "asc", after: null, limit: 500 };
    expect(ipc.argsOf("users_export")).toEqual([
      { format: "xlsx", query: all, onProgress: expect.stringMatching(/^__CHANNEL__:\d+$/) },
      { format: "csv", query: all, onProgress: expect.stringMatching(/^__CHANNEL__:\d+$/) },
    ]);
  });

  it("sends the list's current search, filter and sort for Current view, labelled with its count", async () => {
    const ipc = mockCommands({
      // Only the whole view counts 1 user, so the label shows the list has caught up with every change.
      users_list: listHandler((query) =>
        query.search === "gra" && query.filter === "removed" && query.sort === "addedOn" && query.direction === "desc" ? 1 : 42,
      ),
      users_export: () => null,
    });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await userEvent.type(screen.getByLabelText("Search users"), "gra");
    await userEvent.click(screen.getByRole("radio", { name: "Removed" }));
    await userEvent.click(screen.getByRole("button", { name: "Date added" }));
    await userEvent.click(screen.getByTestId("download-button"));
    await screen.findByRole("menuitem", { name: "CSV — Current view (1 user)" });
    await userEvent.keyboard("{Escape}");

    await choose("CSV — Current view (1 user)");
    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(1));
    await choose("Excel (.xlsx) — Current view (1 user)");
    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(2));

    const view = { search: "gra", filter: "removed", sort: "addedOn", direction: "desc", after: null, limit: 500 };
    expect(ipc.argsOf("users_export").map(({ format, query }) => ({ format, query }))).toEqual([
      { format: "csv", query: view },
      { format: "xlsx", query: view },
    ]);
  });

  it("opens and chooses from the keyboard", async () => {
    const ipc = mockCommands({ users_list: listHandler(), users_export: () => null });
    renderUsers();
    await screen.findAllByTestId("user-row");

    screen.getByTestId("download-button").focus();
    await userEvent.keyboard("{ArrowDown}");
    expect(screen.getByRole("menuitem", { name: "Excel (.xlsx) — All users, including removed" })).toHaveFocus();
    await userEvent.keyboard("{End}{Enter}");

    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(1));
    expect(ipc.argsOf("users_export")[0]).toMatchObject({ format: "csv", query: { search: "", filter: "current" } });
    expect(screen.getByTestId("download-button")).toHaveFocus();
  });

  it("shows progress from the channel while the page stays usable, then the saved file", async () => {
    const pending = deferred<ExportOutcome | null>();
    const ipc = mockCommands({ users_list: listHandler(), users_export: () => pending.promise });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("Excel (.xlsx) — All users, including removed");
    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(1));
    // The native save dialog is open: no notice behind it until the core starts writing.
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
    const channel = channelOf(ipc.argsOf("users_export")[0]?.onProgress);
    channel.send({ written: 0, total: 2500 });
    const notice = await screen.findByTestId("export-progress");
    expect(notice).toHaveTextContent("Downloading users…");
    const bar = within(notice).getByRole("progressbar", { name: "Downloading users…" });
    expect(bar).toHaveAttribute("aria-valuenow", "0");
    channel.send({ written: 1000, total: 2500 });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "1000"));
    expect(bar).toHaveAttribute("aria-valuemax", "2500");
    expect(bar).toHaveAttribute("aria-valuemin", "0");
    expect(notice).toHaveTextContent("1,000 of 2,500 users");
    channel.send({ written: 2000, total: 2500 });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "2000"));

    // Not modal: the list still answers, and a second download cannot start meanwhile.
    await userEvent.click(screen.getByRole("radio", { name: "Removed" }));
    await waitFor(() => expect((ipc.argsOf("users_list").at(-1)?.query as UserQuery).filter).toBe("removed"));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    const button = screen.getByTestId("download-button");
    expect(button).toHaveAttribute("aria-disabled", "true");
    await userEvent.click(button);
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();

    pending.resolve({ ...outcome, rows: 2500 });
    const done = await screen.findByTestId("export-done");
    expect(within(done).getByRole("status")).toHaveTextContent("Saved 2,500 users to users.xlsx.");
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
    expect(button).not.toHaveAttribute("aria-disabled");

    // A message that arrives after the end changes nothing.
    channel.send({ written: 2500, total: 2500 });
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
  });

  it("shows nothing when the save dialog is cancelled", async () => {
    const pending = deferred<ExportOutcome | null>();
    const ipc = mockCommands({ users_list: listHandler(), users_export: () => pending.promise });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("CSV — All users, including removed");
    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(1));
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
    pending.resolve(null);

    await waitFor(() => expect(screen.getByTestId("download-button")).not.toHaveAttribute("aria-disabled"));
    expectNothingShown();
  });

  it("Cancel stops the download and then shows nothing", async () => {
    const pending = deferred<ExportOutcome | null>();
    const ipc = mockCommands({
      users_list: listHandler(),
      users_export: () => pending.promise,
      users_export_cancel: () => {
        pending.reject(appError("CANCELLED", "Cancelled"));
        return null;
      },
    });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("Excel (.xlsx) — Current view (42 users)");
    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(1));
    channelOf(ipc.argsOf("users_export")[0]?.onProgress).send({ written: 0, total: 42 });
    const notice = await screen.findByTestId("export-progress");
    await userEvent.click(within(notice).getByRole("button", { name: "Cancel" }));

    await waitFor(() => expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument());
    expect(ipc.argsOf("users_export_cancel")).toEqual([{}]);
    expectNothingShown();
    // Focus was on Cancel; it goes back to the Download button, not to the page body.
    expect(screen.getByTestId("download-button")).toHaveFocus();
  });

  it("keeps the saved-file notice until it is dismissed, with Show in folder", async () => {
    const ipc = mockCommands({ users_list: listHandler(), users_export: () => outcome, export_reveal: () => null });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("Excel (.xlsx) — All users, including removed");
    const done = await screen.findByTestId("export-done");
    expect(within(done).getByRole("status")).toHaveTextContent("Saved 3 users to users.xlsx.");

    await userEvent.click(within(done).getByRole("button", { name: "Show in folder" }));
    await waitFor(() => expect(ipc.argsOf("export_reveal")).toEqual([{}]));
    expect(screen.getByTestId("export-done")).toBeInTheDocument();

    await userEvent.click(within(done).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("export-done")).not.toBeInTheDocument();
    expect(screen.getByTestId("download-button")).toHaveFocus();
  });

  it("says which users and columns were cut to fit Excel (case E6)", async () => {
    mockCommands({
      users_list: listHandler(),
      users_export: () => ({
        ...outcome,
        rows: 2,
        cut: [{ user: "long@example.com", column: "Last name", length: 40000 }],
        cutTotal: 1,
      }),
    });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("Excel (.xlsx) — All users, including removed");
    const done = await screen.findByTestId("export-done");
    const status = within(done).getByRole("status");
    expect(status).toHaveTextContent("Saved 2 users to users.xlsx.");
    const cut = within(status).getByTestId("export-cut");
    expect(cut).toHaveTextContent(
      "1 value was too long for an Excel cell and was cut short, with a marker at the end of the cell. A CSV download keeps it whole.",
    );
    expect(within(cut).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "Last name of long@example.com (40,000 characters)",
    ]);
    expect(within(done).getByRole("button", { name: "Show in folder" })).toBeInTheDocument();
  });

  it("counts the cut cells it does not list", async () => {
    const cells = Array.from({ length: 20 }, (_, i) => ({ user: `u${i}@example.com`, column: "First name", length: 33000 }));
    mockCommands({ users_list: listHandler(), users_export: () => ({ ...outcome, cut: cells, cutTotal: 25 }) });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("Excel (.xlsx) — All users, including removed");
    const cut = await screen.findByTestId("export-cut");
    expect(cut).toHaveTextContent("25 values were too long for an Excel cell and were cut short");
    expect(cut).toHaveTextContent("A CSV download keeps them whole.");
    expect(within(cut).getAllByRole("listitem")).toHaveLength(20);
    expect(cut).toHaveTextContent("…and 5 more.");
  });

  it("says nothing about cut cells when none were cut", async () => {
    mockCommands({ users_list: listHandler(), users_export: () => outcome });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("CSV — All users, including removed");
    await screen.findByTestId("export-done");
    expect(screen.queryByTestId("export-cut")).not.toBeInTheDocument();
  });

  it("replaces the saved-file notice when another download starts", async () => {
    const pending = deferred<ExportOutcome | null>();
    let first = true;
    const ipc = mockCommands({
      users_list: listHandler(),
      users_export: () => {
        if (!first) return pending.promise;
        first = false;
        return { ...outcome, rows: 1 };
      },
    });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("CSV — All users, including removed");
    expect(await screen.findByTestId("export-done")).toHaveTextContent("Saved 1 user to users.xlsx.");
    await choose("CSV — All users, including removed");

    await waitFor(() => expect(screen.queryByTestId("export-done")).not.toBeInTheDocument());
    await waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(2));
    channelOf(ipc.argsOf("users_export")[1]?.onProgress).send({ written: 0, total: 1 });
    expect(await screen.findByTestId("export-progress")).toBeInTheDocument();
    pending.resolve(null);
    await waitFor(() => expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument());
    expectNothingShown();
  });

  it("shows the core's message when the file cannot be written, until dismissed", async () => {
    mockCommands({
      users_list: listHandler(),
      users_export: rejectWith(appError("IO", "Could not save /media/usb/users.csv: the disk is full.")),
    });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("CSV — All users, including removed");
    const alert = await screen.findByTestId("form-error");
    expect(alert).toHaveAttribute("role", "alert");
    expect(alert).toHaveTextContent("Could not save /media/usb/users.csv: the disk is full.");
    expect(screen.queryByTestId("export-progress")).not.toBeInTheDocument();
    expect(screen.queryByTestId("export-done")).not.toBeInTheDocument();

    await userEvent.click(within(alert).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
  });

  it("shows an error from Show in folder", async () => {
    mockCommands({
      users_list: listHandler(),
      users_export: () => outcome,
      export_reveal: rejectWith(appError("IO", "The file users.xlsx is no longer there.")),
    });
    renderUsers();
    await screen.findAllByTestId("user-row");

    await choose("Excel (.xlsx) — All users, including removed");
    await userEvent.click(await screen.findByRole("button", { name: "Show in folder" }));

    expect(await screen.findByTestId("form-error")).toHaveTextContent("The file users.xlsx is no longer there.");
  });
});
