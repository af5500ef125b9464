// The Import dialog's words: what a column fills in, what a row does, how far Apply is.
import type { ImportAction } from "../bindings/ImportAction";
import type { ImportChange } from "../bindings/ImportChange";
import type { ImportColumn } from "../bindings/ImportColumn";
import type { ImportFile } from "../bindings/ImportFile";
import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { ImportProgress } from "../bindings/ImportProgress";
import type { ImportRow } from "../bindings/ImportRow";
import type { ImportSource } from "../bindings/ImportSource";
import type { ImportTotals } from "../bindings/ImportTotals";
import { formatCount, seatsLabel } from "./format";

/** The choices of a column's "Fills in" select, in the order it lists them. */
export const COLUMN_LABELS: readonly { column: ImportColumn; label: string }[] = [
  { column: "firstName", label: "First name" },
  { column: "lastName", label: "Last name" },
  { column: "fullName", label: "Full name" },
  { column: "email", label: "Email" },
  { column: "phone", label: "Phone" },
  { column: "role", label: "Role" },
  { column: "status", label: "Status" },
  { column: "password", label: "Password" },
];

export function columnLabel(column: ImportColumn): string {
  return COLUMN_LABELS.find((entry) => entry.column === column)?.label ?? column;
}

/** A column's header as the dialog names it; a column with no header is named by its place. */
export function headerLabel(header: string, index: number): string {
  return header.trim() === "" ? `Column ${index + 1}` : header;
}

const FORMATS = { csv: "CSV", xlsx: "Excel", json: "JSON" } as const;
const DELIMITERS: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar" };

/** How the file was read: "CSV · UTF-16 LE · semicolon", "Excel", "JSON". */
export function formatLine(file: ImportFile): string {
  const parts: string[] = [FORMATS[file.format]];
  if (file.encoding) parts.push(file.encoding);
  if (file.delimiter) parts.push(DELIMITERS[file.delimiter] ?? `“${file.delimiter}”`);
  return parts.join(" · ");
}

const SOURCES: Record<ImportSource, string | null> = {
  roster: "Roster user list",
  googleWorkspace: "Google Workspace user file",
  bitwarden: "Bitwarden member export",
  keycloak: "Keycloak realm export",
  other: null,
};

/** Whose layout the file follows, or null when Import read it by its column names only. */
export function sourceLabel(source: ImportSource): string | null {
  return SOURCES[source];
}

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** "1 row", "5,000 rows". */
export function rowsLabel(count: number): string {
  return plural(count, "row", "rows");
}

/** What Apply changes: rows that add, update or restore a user. */
export function changesOf(totals: ImportTotals): number {
  return totals.add + totals.update + totals.restore;
}

/** Every row the totals count. */
export function allOf(totals: ImportTotals): number {
  return changesOf(totals) + totals.noChange + totals.error;
}

/** "Apply 37 changes", "Apply 1 change". */
export function applyLabel(totals: ImportTotals): string {
  return `Apply ${plural(changesOf(totals), "change", "changes")}`;
}

/** How the seats move: "+37 seats", "−2 seats" (a real minus sign), "No change in seats". */
export function seatsChange(seats: number): string {
  if (seats === 0) return "No change in seats";
  return seats > 0 ? `+${seatsLabel(seats)}` : `−${seatsLabel(-seats)}`;
}

/** The filter chips: a kind of row and its name before (preview) and after Apply (result). */
export const ACTION_FILTERS: readonly { action: ImportAction | null; preview: string; result: string }[] = [
  { action: null, preview: "All", result: "All" },
  { action: "add", preview: "Add", result: "Added" },
  { action: "update", preview: "Update", result: "Updated" },
  { action: "restore", preview: "Restore", result: "Restored" },
  { action: "noChange", preview: "No change", result: "No change" },
  { action: "error", preview: "Errors", result: "Errors" },
];

/** How many rows of a kind the totals count (`null`: all). */
export function countOf(totals: ImportTotals, action: ImportAction | null): number {
  return action === null ? allOf(totals) : totals[action];
}

function value(text: string): string {
  return text === "" ? "(empty)" : text;
}

function changeText(change: ImportChange): string {
  return `${change.field} ${value(change.from)} → ${value(change.to)}`;
}

/**
 * What a row does ("Add (active)", "Update: Phone 0700 → 0711; Role Member → Sales", "Restore",
 * "No change", "Error — Email: …"), or with `done` what it did ("Added (active)", "Updated: …").
 */
export function rowText(row: ImportRow, done: boolean): string {
  const status = row.status === null ? "" : ` (${row.status})`;
  const changes = row.changes.length === 0 ? "" : `: ${row.changes.map(changeText).join("; ")}`;
  switch (row.action) {
    case "add":
      return `${done ? "Added" : "Add"}${status}`;
    case "update":
      return `${done ? "Updated" : "Update"}${changes}`;
    case "restore":
      return `${done ? "Restored" : "Restore"}${status}${changes}`;
    case "noChange":
      return "No change";
    case "error": {
      if (row.error === null) return "Error";
      const column = row.error.column === null ? "" : `${row.error.column}: `;
      return `Error — ${column}${row.error.message}`;
    }
  }
}

/** Milliseconds of Apply after which a time remaining is worth saying (the first batches are noisy). */
const ESTIMATE_AFTER_MS = 2000;

/**
 * "about 2 minutes left", from the pace so far (remaining = elapsed / done × rows to go); null
 * until there is some progress to go by, and once everything is done.
 */
export function timeLeft(progress: ImportProgress): string | null {
  const { done, total, elapsedMs } = progress;
  if (done <= 0 || done >= total || elapsedMs < ESTIMATE_AFTER_MS) return null;
  const seconds = ((elapsedMs / done) * (total - done)) / 1000;
  if (seconds < 60) {
    const rounded = Math.max(1, Math.ceil(seconds));
    return `about ${plural(rounded, "second", "seconds")} left`;
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${plural(minutes, "minute", "minutes")} left`;
  return `about ${plural(Math.round(minutes / 60), "hour", "hours")} left`;
}

/** "1,200 of 5,000". */
export function progressText(progress: ImportProgress): string {
  return `${formatCount(progress.done)} of ${formatCount(progress.total)}`;
}

/** "Added 37, updated 4, restored 1; 2 rows not imported." */
export function outcomeSummary(outcome: ImportOutcome): string {
  const { add, update, restore, error } = outcome.totals;
  const done = [
    add > 0 ? `added ${formatCount(add)}` : null,
    update > 0 ? `updated ${formatCount(update)}` : null,
    restore > 0 ? `restored ${formatCount(restore)}` : null,
  ].filter((part) => part !== null);
  const first = done.length === 0 ? "Nothing was changed" : done.join(", ");
  const sentence = first.charAt(0).toUpperCase() + first.slice(1);
  return error > 0 ? `${sentence}; ${rowsLabel(error)} not imported.` : `${sentence}.`;
}

/** For a cancelled Apply: "Cancelled: the first 1,200 changes were applied and stay; 3,800 were not reached." */
export function cancelledSummary(outcome: ImportOutcome): string {
  const applied = changesOf(outcome.totals);
  const first =
    applied === 0
      ? "Cancelled: no change was applied"
      : applied === 1
        ? "Cancelled: the first change was applied and stays"
        : `Cancelled: the first ${formatCount(applied)} changes were applied and stay`;
  return `${first}; ${formatCount(outcome.notReached)} ${outcome.notReached === 1 ? "was" : "were"} not reached.`;
}
