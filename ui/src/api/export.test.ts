import { describe, expect, it, vi } from "vitest";
import type { ExportOutcome } from "../bindings/ExportOutcome";
import { appError, channelOf, deferred, mockCommands, rejectWith } from "../test/ipc";
import { cancelExport, exportUsers, revealExport } from "./export";

const view = { search: "ada", filter: "current", sort: "email", direction: "desc" } as const;

describe("exportUsers", () => {
  it("passes a channel and forwards its progress until the download ends", async () => {
    const pending = deferred<ExportOutcome | null>();
    const ipc = mockCommands({ users_export: () => pending.promise });
    const onProgress = vi.fn();

    const result = exportUsers("csv", view, onProgress);
    await vi.waitFor(() => expect(ipc.argsOf("users_export")).toHaveLength(1));
    const args = ipc.argsOf("users_export")[0];
    expect(args).toEqual({
      format: "csv",
      query: { ...view, after: null, limit: 500 },
      onProgress: expect.stringMatching(/^__CHANNEL__:\d+$/),
    });
    const channel = channelOf(args?.onProgress);
    channel.send({ written: 1000, total: 3000 });
    channel.send({ written: 2000, total: 3000 });
    expect(onProgress.mock.calls).toEqual([[{ written: 1000, total: 3000 }], [{ written: 2000, total: 3000 }]]);

    const outcome: ExportOutcome = { path: "/tmp/users.csv", fileName: "users.csv", rows: 3000, cut: [], cutTotal: 0 };
    pending.resolve(outcome);
    await expect(result).resolves.toEqual(outcome);
    channel.send({ written: 3000, total: 3000 });
    expect(onProgress).toHaveBeenCalledTimes(2);
  });

  it("resolves null when the save dialog is cancelled and rejects with an AppError otherwise", async () => {
    mockCommands({ users_export: () => null });
    await expect(exportUsers("xlsx", view, vi.fn())).resolves.toBeNull();

    mockCommands({ users_export: rejectWith(appError("CANCELLED", "Cancelled")) });
    await expect(exportUsers("xlsx", view, vi.fn())).rejects.toEqual(appError("CANCELLED", "Cancelled"));
  });

  it("cancels and reveals with their own commands", async () => {
    const ipc = mockCommands({ users_export_cancel: () => null, export_reveal: () => null });
    await cancelExport();
    await revealExport();
    expect(ipc.calls.map((call) => call.command)).toEqual(["users_export_cancel", "export_reveal"]);
  });
});
