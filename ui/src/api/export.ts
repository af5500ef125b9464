import { Channel } from "@tauri-apps/api/core";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportOutcome } from "../bindings/ExportOutcome";
import type { ExportProgress } from "../bindings/ExportProgress";
import type { UserQuery } from "../bindings/UserQuery";
import { call } from "./call";
import type { ListQuery } from "./users";

/**
 * Downloads the users `query` matches as a file: the core opens the save dialog, writes the file
 * and reports progress on a channel. Resolves to `null` when the user cancels the save dialog;
 * rejects with `CANCELLED` after `cancelExport`. Progress that arrives after the end is dropped.
 */
export async function exportUsers(
  format: ExportFormat,
  query: ListQuery,
  onProgress: (progress: ExportProgress) => void,
): Promise<ExportOutcome | null> {
  const channel = new Channel<ExportProgress>();
  channel.onmessage = onProgress;
  // The core ignores paging for a download; the type still wants valid values.
  const full: UserQuery = { ...query, after: null, limit: 500 };
  try {
    return await call<ExportOutcome | null>("users_export", { format, query: full, onProgress: channel });
  } finally {
    channel.onmessage = () => {};
  }
}

/** Stops the running download; its `exportUsers` then rejects with `CANCELLED`. */
export const cancelExport = () => call<null>("users_export_cancel");

/** Shows the last saved file in the system's file manager. */
export const revealExport = () => call<null>("export_reveal");
