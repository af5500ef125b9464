import type { Status } from "../bindings/Status";
import type { UserCounts } from "../bindings/UserCounts";
import { m } from "../paraglide/messages.js";
import { language, type Language } from "./i18n.svelte";

// Dates and numbers follow the UI's language (not the OS's region), so a Spanish screen never
// mixes in English month names. Formatters are made once per language.
const made = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function formatter<T extends Intl.DateTimeFormat | Intl.NumberFormat>(
  name: string,
  make: (locale: Language) => T,
): T {
  const locale = language();
  const key = `${locale}:${name}`;
  let found = made.get(key) as T | undefined;
  if (!found) {
    found = make(locale);
    made.set(key, found);
  }
  return found;
}

const dateTime = () =>
  formatter("dateTime", (l) => new Intl.DateTimeFormat(l, { dateStyle: "medium", timeStyle: "short" }));
const dateOnly = () => formatter("date", (l) => new Intl.DateTimeFormat(l, { dateStyle: "medium" }));
const fullDateTime = () =>
  formatter("full", (l) => new Intl.DateTimeFormat(l, { dateStyle: "full", timeStyle: "long" }));
// Report days are calendar days in UTC; formatting them in the local zone would shift them by one
// west of Greenwich.
const day = () => formatter("day", (l) => new Intl.DateTimeFormat(l, { dateStyle: "medium", timeZone: "UTC" }));
const dayShort = () =>
  formatter("dayShort", (l) => new Intl.DateTimeFormat(l, { month: "short", day: "numeric", timeZone: "UTC" }));
const integer = () => formatter("integer", (l) => new Intl.NumberFormat(l));
const megabytes = () =>
  formatter(
    "megabytes",
    (l) =>
      new Intl.NumberFormat(l, { style: "unit", unit: "megabyte", maximumFractionDigits: 1, minimumFractionDigits: 1 }),
  );

/** A moment, or "Never" for null: "Nov 30, 2026, 3:35 PM" / "30 nov 2026, 15:35". */
export function formatDateTime(iso: string | null): string {
  return iso === null ? m.common_never() : dateTime().format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateOnly().format(new Date(iso));
}

/** Date, time and zone spelled out, for a tooltip: "Monday, November 30, 2026 at 3:35:12 AM UTC". */
export function formatTimestamp(iso: string): string {
  return fullDateTime().format(new Date(iso));
}

/** A `YYYY-MM-DD` day (UTC): "Nov 30, 2026". */
export function formatDay(date: string): string {
  return day().format(new Date(`${date}T00:00:00Z`));
}

/** A `YYYY-MM-DD` day (UTC) for a chart axis: "Nov 30". */
export function formatDayShort(date: string): string {
  return dayShort().format(new Date(`${date}T00:00:00Z`));
}

/** A count in the UI's language: "1,234" / "1234" (Spanish groups from five digits). */
export function formatCount(count: number): string {
  return integer().format(count);
}

/** "1 user", "1,234 users". */
export function usersLabel(count: number): string {
  return m.common_users({ count });
}

/** "1 seat", "1,234 seats". */
export function seatsLabel(count: number): string {
  return m.common_seats({ count });
}

/** "12 users · 10 seats". */
export function countsLabel(counts: UserCounts): string {
  return m.common_users_and_seats({ users: counts.users, seats: counts.seats });
}

export function statusLabel(status: Status): string {
  switch (status) {
    case "invited":
      return m.common_status_invited();
    case "active":
      return m.common_status_active();
    case "removed":
      return m.common_status_removed();
  }
}

/** "1 permission", "3 permissions". */
export function permissionsLabel(count: number): string {
  return m.common_permissions({ count });
}

/** A size in bytes as decimal megabytes (10⁶ bytes, as download sizes are given): "12.4 MB". */
export function formatMegabytes(bytes: number): string {
  return megabytes().format(bytes / 1_000_000);
}
