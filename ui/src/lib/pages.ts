import type { Permission } from "../bindings/Permission";
import type { SessionInfo } from "../bindings/SessionInfo";
import { can } from "./permissions";

export type Page = "users" | "roles" | "reports" | "settings";

export interface PageInfo {
  key: Page;
  href: `#${Page}`;
  label: string;
  /** Needed to see the page; null: everyone signed in sees it. */
  permission: Permission | null;
}

export const PAGES: readonly PageInfo[] = [
  { key: "users", href: "#users", label: "Users", permission: null },
  { key: "roles", href: "#roles", label: "Roles", permission: "roles.manage" },
  { key: "reports", href: "#reports", label: "Reports", permission: "reports.view" },
  { key: "settings", href: "#settings", label: "Settings", permission: "settings.manage" },
];

export function visiblePages(session: SessionInfo): PageInfo[] {
  return PAGES.filter((page) => page.permission === null || can(session, page.permission));
}

/**
 * The page a location hash asks for, or Users when it names no page the session may see (a stale
 * link after a demotion, a typo), so the window never shows a screen the core would refuse.
 */
export function pageFromHash(hash: string, session: SessionInfo): Page {
  const wanted = hash.replace(/^#/, "");
  return visiblePages(session).find((page) => page.key === wanted)?.key ?? "users";
}
