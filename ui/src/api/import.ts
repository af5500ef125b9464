import { Channel } from "@tauri-apps/api/core";
import type { ImportAction } from "../bindings/ImportAction";
import type { ImportFile } from "../bindings/ImportFile";
import type { ImportOptions } from "../bindings/ImportOptions";
import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportRowsPage } from "../bindings/ImportRowsPage";
import { call } from "./call";

/**
 * Opens the native open dialog (.csv, .xlsx, .json) and reads the chosen file. Resolves to `null`
 * when the user cancels; rejects with `IMPORT_FILE` when the file cannot be imported as a whole.
 */
export const importOpen = () => call<ImportFile | null>("users_import_open");

/** What each row of the open file will do under `options`; nothing is written. */
export const importPreview = (options: ImportOptions) => call<ImportPreview>("users_import_preview", { options });

/**
 * A page of the last preview's rows (after Apply: of the result), in file order; `action` `null`
 * means every kind.
 */
export const importRows = (action: ImportAction | null, offset: number, limit: number) =>
  call<ImportRowsPage>("users_import_rows", { action, offset, limit });

/**
 * Applies the last preview in batches, reporting progress on a channel. With generated passwords
 * the core first asks where to save them: resolves to `null` when that dialog is cancelled
 * (nothing applied). Progress that arrives after the end is dropped.
 */
export async function importApply(onProgress: (progress: ImportProgress) => void): Promise<ImportOutcome | null> {
  const channel = new Channel<ImportProgress>();
  channel.onmessage = onProgress;
  try {
    return await call<ImportOutcome | null>("users_import_apply", { onProgress: channel });
  } finally {
    channel.onmessage = () => {};
  }
}

/** Stops a running Apply after the current batch; the batches already applied stay. */
export const importCancel = () => call<null>("users_import_cancel");

/** Saves the result report (every row and what happened); the saved path, or `null` on cancel. */
export const importReport = () => call<string | null>("users_import_report");

/** Forgets the open file (the dialog closed). */
export const importClose = () => call<null>("users_import_close");
