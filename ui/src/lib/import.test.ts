import { describe, expect, it } from "vitest";
import type { ImportOptions } from "../bindings/ImportOptions";
import type { ImportPreview } from "../bindings/ImportPreview";
import { importPreview } from "../test/fixtures";
import { deferred, mockCommands } from "../test/ipc";
import { ImportPreviewer } from "./import.svelte";

const options = (updateExisting: boolean): ImportOptions => ({
  mapping: ["email"],
  join: "invitation",
  isSuperUser: false,
  roleIds: [],
  updateExisting,
  mustChangePassword: true,
});

describe("ImportPreviewer", () => {
  it("sends one preview at a time and only the newest of those waiting, so the core keeps the one on screen", async () => {
    const answers = [deferred<ImportPreview>(), deferred<ImportPreview>(), deferred<ImportPreview>()];
    let next = 0;
    const ipc = mockCommands({ users_import_preview: () => answers[next++]!.promise });
    const previewer = new ImportPreviewer();

    previewer.request(options(true), 0);
    await expect.poll(() => ipc.argsOf("users_import_preview")).toHaveLength(1);
    // Two more changes while the first is with the core: neither is sent yet, then only the last.
    previewer.request(options(false), 0);
    previewer.request(options(true), 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ipc.argsOf("users_import_preview")).toHaveLength(1);
    expect(previewer.pending).toBe(true);

    answers[0]!.resolve(importPreview({ seats: 1 }));
    await expect.poll(() => ipc.argsOf("users_import_preview")).toHaveLength(2);
    // The first answer is for options no longer on screen: not shown.
    expect(previewer.preview).toBeNull();
    answers[1]!.resolve(importPreview({ seats: 3 }));
    await expect.poll(() => previewer.preview?.seats).toBe(3);
    expect(previewer.pending).toBe(false);
    expect(ipc.argsOf("users_import_preview")).toHaveLength(2);
  });
});
