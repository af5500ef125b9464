import type { Status } from "../bindings/Status";
import type { UserCounts } from "../bindings/UserCounts";

// `undefined` locale = the user's own locale, as the operating system reports it to the web view.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const integer = new Intl.NumberFormat(undefined);

export function formatDateTime(iso: string | null): string {
  return iso === null ? "Never" : dateTime.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
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

export function countsLabel(counts: UserCounts): string {
  return `${plural(counts.users, "user", "users")} · ${plural(counts.seats, "seat", "seats")}`;
}

const statusLabels: Record<Status, string> = { invited: "Invited", active: "Active", removed: "Removed" };

export function statusLabel(status: Status): string {
  return statusLabels[status];
}
