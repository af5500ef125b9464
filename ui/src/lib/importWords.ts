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
import type { Status } from "../bindings/Status";
import { m } from "../paraglide/messages.js";
import { formatCount, seatsLabel } from "./format";
import { language } from "./i18n.svelte";

/** The choices of a column's "Fills in" select, in the order it lists them. */
export const COLUMNS: readonly ImportColumn[] = [
  "firstName",
  "lastName",
  "fullName",
  "email",
  "phone",
  "role",
  "status",
  "password",
];

/** What a column fills in, as the "Fills in" select names it: "First name". */
export function columnLabel(column: ImportColumn): string {
  switch (column) {
    case "firstName":
      return m.import_column_first_name();
    case "lastName":
      return m.import_column_last_name();
    case "fullName":
      return m.import_column_full_name();
    case "email":
      return m.import_column_email();
    case "phone":
      return m.import_column_phone();
    case "role":
      return m.import_column_role();
    case "status":
      return m.import_column_status();
    case "password":
      return m.import_column_password();
  }
}

/** A column's header as the dialog names it; a column with no header is named by its place. */
export function headerLabel(header: string, index: number): string {
  return header.trim() === "" ? m.import_column_unnamed({ number: formatCount(index + 1) }) : header;
}

const FORMATS = { csv: "CSV", xlsx: "Excel", json: "JSON" } as const;

function delimiterLabel(delimiter: string): string {
  switch (delimiter) {
    case ",":
      return m.import_delimiter_comma();
    case ";":
      return m.import_delimiter_semicolon();
    case "\t":
      return m.import_delimiter_tab();
    case "|":
      return m.import_delimiter_vertical_bar();
    default:
      return m.import_delimiter_other({ delimiter });
  }
}

/** How the file was read: "CSV · UTF-16 LE · semicolon", "Excel", "JSON". */
export function formatLine(file: ImportFile): string {
  const parts: string[] = [FORMATS[file.format]];
  if (file.encoding) parts.push(file.encoding);
  if (file.delimiter) parts.push(delimiterLabel(file.delimiter));
  return parts.join(" · ");
}

/** Whose layout the file follows, or null when Import read it by its column names only. */
export function sourceLabel(source: ImportSource): string | null {
  switch (source) {
    case "roster":
      return m.import_source_roster();
    case "googleWorkspace":
      return m.import_source_google_workspace();
    case "bitwarden":
      return m.import_source_bitwarden();
    case "keycloak":
      return m.import_source_keycloak();
    case "other":
      return null;
  }
}

/** "1 row", "5,000 rows". */
export function rowsLabel(count: number): string {
  return m.import_rows({ count });
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
  return m.import_apply_changes({ count: changesOf(totals) });
}

/** How the seats move: "+37 seats", "−2 seats" (a real minus sign), "No change in seats". */
export function seatsChange(seats: number): string {
  if (seats === 0) return m.import_seats_no_change();
  return seats > 0 ? `+${seatsLabel(seats)}` : `−${seatsLabel(-seats)}`;
}

/** The filter chips, in order: a kind of row (`null`: all). */
export const ACTION_FILTERS: readonly (ImportAction | null)[] = [null, "add", "update", "restore", "noChange", "error"];

/** A filter chip's name before Apply ("Add") or, with `done`, after it ("Added"). */
export function filterLabel(action: ImportAction | null, done: boolean): string {
  switch (action) {
    case null:
      return m.import_filter_all();
    case "add":
      return done ? m.import_filter_added() : m.import_filter_add();
    case "update":
      return done ? m.import_filter_updated() : m.import_filter_update();
    case "restore":
      return done ? m.import_filter_restored() : m.import_filter_restore();
    case "noChange":
      return m.import_filter_no_change();
    case "error":
      return m.import_filter_errors();
  }
}

/** How many rows of a kind the totals count (`null`: all). */
export function countOf(totals: ImportTotals, action: ImportAction | null): number {
  return action === null ? allOf(totals) : totals[action];
}

/** A value a row changes, or "(empty)". */
export function valueText(text: string): string {
  return text === "" ? m.import_value_empty() : text;
}

/** The core names a changed field in English, as the user list did: said in the UI's language. */
function fieldLabel(field: string): string {
  switch (field) {
    case "First name":
      return columnLabel("firstName");
    case "Last name":
      return columnLabel("lastName");
    case "Phone":
      return columnLabel("phone");
    case "Role":
      return columnLabel("role");
    default:
      return field;
  }
}

function changeText(change: ImportChange): string {
  return m.import_row_change({ field: fieldLabel(change.field), from: valueText(change.from), to: valueText(change.to) });
}

/** The status a row gives a user, inside "Add (active)". */
function rowStatusLabel(status: Status): string {
  switch (status) {
    case "invited":
      return m.import_row_status_invited();
    case "active":
      return m.import_row_status_active();
    case "removed":
      return m.import_row_status_removed();
  }
}

/**
 * What a row does ("Add (active)", "Update: Phone 0700 → 0711; Role Member → Sales", "Restore",
 * "No change", "Error — Email: …"), or with `done` what it did ("Added (active)", "Updated: …").
 */
export function rowText(row: ImportRow, done: boolean): string {
  const status = row.status === null ? null : rowStatusLabel(row.status);
  const changes = row.changes.length === 0 ? null : row.changes.map(changeText).join("; ");
  switch (row.action) {
    case "add":
      if (status === null) return done ? m.import_row_added() : m.import_row_add();
      return done ? m.import_row_added_as({ status }) : m.import_row_add_as({ status });
    case "update":
      if (changes === null) return done ? m.import_row_updated() : m.import_row_update();
      return done ? m.import_row_updated_changes({ changes }) : m.import_row_update_changes({ changes });
    case "restore":
      if (status === null && changes === null) return done ? m.import_row_restored() : m.import_row_restore();
      if (changes === null) {
        return done ? m.import_row_restored_as({ status: status ?? "" }) : m.import_row_restore_as({ status: status ?? "" });
      }
      if (status === null) {
        return done ? m.import_row_restored_changes({ changes }) : m.import_row_restore_changes({ changes });
      }
      return done
        ? m.import_row_restored_as_changes({ status, changes })
        : m.import_row_restore_as_changes({ status, changes });
    case "noChange":
      return m.import_row_no_change();
    case "error": {
      if (row.error === null) return m.import_row_error();
      const { column, message } = row.error;
      return column === null ? m.import_row_error_message({ message }) : m.import_row_error_in_column({ column, message });
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
    return m.import_time_left_seconds({ count: rounded });
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return m.import_time_left_minutes({ count: minutes });
  return m.import_time_left_hours({ count: Math.round(minutes / 60) });
}

/** "1,200 of 5,000". */
export function progressText(progress: ImportProgress): string {
  return m.import_progress({ done: formatCount(progress.done), total: formatCount(progress.total) });
}

/** "Added 37, updated 4, restored 1; 2 rows not imported." */
export function outcomeSummary(outcome: ImportOutcome): string {
  const { add, update, restore, error } = outcome.totals;
  const done = [
    add > 0 ? m.import_outcome_added({ count: add }) : null,
    update > 0 ? m.import_outcome_updated({ count: update }) : null,
    restore > 0 ? m.import_outcome_restored({ count: restore }) : null,
  ].filter((part) => part !== null);
  const first = done.length === 0 ? m.import_outcome_nothing() : done.join(", ");
  // The list's first part starts the sentence ("added 37, …" → "Added 37, …").
  const summary = first.charAt(0).toLocaleUpperCase(language()) + first.slice(1);
  return error > 0 ? m.import_outcome_with_errors({ summary, count: error }) : m.import_outcome({ summary });
}

/** For a cancelled Apply: "Cancelled: the first 1,200 changes were applied and stay; 3,800 were not reached." */
export function cancelledSummary(outcome: ImportOutcome): string {
  const applied = changesOf(outcome.totals);
  const { notReached } = outcome;
  return applied === 0 ? m.import_cancelled_none({ notReached }) : m.import_cancelled_some({ applied, notReached });
}
