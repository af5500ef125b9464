import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { SeatReport } from "../bindings/SeatReport";
import { formatCount } from "../lib/format";
import { session } from "../test/fixtures";
import { appError, deferred, mockCommands } from "../test/ipc";
import Reports from "./Reports.svelte";

const DAY_MS = 24 * 60 * 60 * 1000;

function report(overrides: Partial<SeatReport> = {}): SeatReport {
  const first = Date.UTC(2026, 8, 2);
  return {
    seats: 1234,
    pendingInvitations: 5,
    removed: 17,
    superUsers: 2,
    perRole: [
      { roleId: "r-helpdesk", name: "Helpdesk", users: 3 },
      { roleId: "r-member", name: "Member", users: 1220 },
      { roleId: "r-sales", name: "Sales", users: 0 },
    ],
    days: Array.from({ length: 90 }, (_, index) => ({
      date: new Date(first + index * DAY_MS).toISOString().slice(0, 10),
      seats: 1200 + index,
    })),
    ...overrides,
  };
}

/** The big number on the card titled `label`. */
function figure(label: string): string {
  const title = screen.getByText(label, { selector: "dt" });
  return title.parentElement?.querySelector(".figure")?.textContent ?? "";
}

function roleRows(): string[][] {
  const table = screen.getByRole("table", { name: "Users per role" });
  return within(table)
    .getAllByRole("row")
    .slice(1)
    .map((row) => [within(row).getByRole("rowheader").textContent ?? "", within(row).getByRole("cell").textContent ?? ""]);
}

const reportsViewer = () => session({ isSuperUser: false, permissions: ["users.view", "reports.view"] });

describe("Reports", () => {
  it("shows the four figures and the users per role", async () => {
    mockCommands({ reports_seats: () => report() });
    render(Reports, { session: reportsViewer() });

    expect(screen.getByRole("heading", { level: 1, name: "Reports" })).toBeInTheDocument();
    await screen.findByText("Seats", { selector: "dt" });
    expect(figure("Seats")).toBe(formatCount(1234));
    expect(figure("Pending invitations")).toBe("5");
    expect(figure("Removed users")).toBe("17");
    expect(figure("Super-users")).toBe("2");
    expect(screen.getByText("Not counted in seats or billing.")).toBeInTheDocument();
    expect(roleRows()).toEqual([
      ["Super-user", "2"],
      ["Helpdesk", "3"],
      ["Member", formatCount(1220)],
      ["Sales", "0"],
    ]);
    expect(screen.getByRole("heading", { name: "Seats over the last 90 days" })).toBeInTheDocument();
    expect(screen.getByRole("slider", { name: "Seats per day" })).toBeInTheDocument();
  });

  it("shows Loading… until the report arrives", async () => {
    const answer = deferred<SeatReport>();
    mockCommands({ reports_seats: () => answer.promise });
    render(Reports, { session: reportsViewer() });

    expect(await screen.findByText("Loading…")).toBeInTheDocument();
    answer.resolve(report());
    await screen.findByText("Seats", { selector: "dt" });
    expect(screen.queryByText("Loading…")).not.toBeInTheDocument();
  });

  it("shows the core's error with Retry, which loads again", async () => {
    let calls = 0;
    const ipc = mockCommands({
      reports_seats: () =>
        ++calls === 1 ? Promise.reject(appError("INTERNAL", "The Workspace could not be read.")) : report(),
    });
    render(Reports, { session: reportsViewer() });

    const alert = await screen.findByTestId("form-error");
    expect(alert).toHaveTextContent("The Workspace could not be read.");
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));

    await screen.findByText("Seats", { selector: "dt" });
    expect(screen.queryByTestId("form-error")).not.toBeInTheDocument();
    expect(ipc.argsOf("reports_seats")).toHaveLength(2);
  });

  it("fetches the report again on Refresh", async () => {
    let calls = 0;
    const ipc = mockCommands({ reports_seats: () => report({ seats: ++calls === 1 ? 1234 : 1240 }) });
    render(Reports, { session: reportsViewer() });
    await screen.findByText("Seats", { selector: "dt" });
    expect(figure("Seats")).toBe(formatCount(1234));

    await userEvent.click(screen.getByRole("button", { name: "Refresh" }));

    await waitFor(() => expect(figure("Seats")).toBe(formatCount(1240)));
    expect(ipc.argsOf("reports_seats")).toEqual([{}, {}]);
  });

  it("asks nothing of the core without reports.view", () => {
    const ipc = mockCommands({});
    render(Reports, { session: session({ isSuperUser: false, permissions: ["users.view"] }) });

    expect(screen.getByText("Reports need the “View reports” permission.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Refresh" })).not.toBeInTheDocument();
    expect(ipc.calls).toEqual([]);
  });
});
