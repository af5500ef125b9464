import type { Permission } from "../bindings/Permission";
import type { SessionInfo } from "../bindings/SessionInfo";
import { m } from "../paraglide/messages.js";
import { can } from "./permissions";

export type Page = "users" | "roles" | "reports" | "settings";

export interface PageInfo {
  key: Page;
  href: `#${Page}`;
  /** Needed to see the page; null: everyone signed in sees it. */
  permission: Permission | null;
}

export const PAGES: readonly PageInfo[] = [
  { key: "users", href: "#users", permission: null },
  { key: "roles", href: "#roles", permission: "roles.manage" },
  { key: "reports", href: "#reports", permission: "reports.view" },
  { key: "settings", href: "#settings", permission: "settings.manage" },
];

/** The page's name in the side navigation, in the UI's language. */
export function pageLabel(page: Page): string {
  switch (page) {
    case "users":
      return m.shell_page_users();
    case "roles":
      return m.shell_page_roles();
    case "reports":
      return m.shell_page_reports();
    case "settings":
      return m.shell_page_settings();
  }
}

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
