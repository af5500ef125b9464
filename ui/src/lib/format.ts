import type { Status } from "../bindings/Status";
import type { UserCounts } from "../bindings/UserCounts";

// `undefined` locale = the user's own locale, as the operating system reports it to the web view.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const fullDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" });
// Report days are calendar days in UTC; formatting them in the local zone would shift them by one
// west of Greenwich.
const day = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone: "UTC" });
const dayShort = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const integer = new Intl.NumberFormat(undefined);

export function formatDateTime(iso: string | null): string {
  return iso === null ? "Never" : dateTime.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
}

/** Date, time and zone spelled out, for a tooltip: "Monday, November 30, 2026 at 3:35:12 AM UTC". */
export function formatTimestamp(iso: string): string {
  return fullDateTime.format(new Date(iso));
}

/** A `YYYY-MM-DD` day (UTC): "Nov 30, 2026". */
export function formatDay(date: string): string {
  return day.format(new Date(`${date}T00:00:00Z`));
}

/** A `YYYY-MM-DD` day (UTC) for a chart axis: "Nov 30". */
export function formatDayShort(date: string): string {
  return dayShort.format(new Date(`${date}T00:00:00Z`));
}

/** A count in the user's locale: "1,234". */
export function formatCount(count: number): string {
  return integer.format(count);
}

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** "1 user", "1,234 users". */
export function usersLabel(count: number): string {
  return plural(count, "user", "users");
}

/** "1 seat", "1,234 seats". */
export function seatsLabel(count: number): string {
  return plural(count, "seat", "seats");
}

export function countsLabel(counts: UserCounts): string {
  return `${plural(counts.users, "user", "users")} · ${plural(counts.seats, "seat", "seats")}`;
}

const statusLabels: Record<Status, string> = { invited: "Invited", active: "Active", removed: "Removed" };

export function statusLabel(status: Status): string {
  return statusLabels[status];
}

/** "1 permission", "3 permissions". */
export function permissionsLabel(count: number): string {
  return plural(count, "permission", "permissions");
}

const megabytes = new Intl.NumberFormat(undefined, {
  style: "unit",
  unit: "megabyte",
  maximumFractionDigits: 1,
  minimumFractionDigits: 1,
});

/** A size in bytes as decimal megabytes (10⁶ bytes, as download sizes are given): "12.4 MB". */
export function formatMegabytes(bytes: number): string {
  return megabytes.format(bytes / 1_000_000);
}
