import { toAppError } from "../api/errors";
import { rolesList } from "../api/roles";
import type { AppError } from "../bindings/AppError";
import type { RoleSummary } from "../bindings/RoleSummary";
import { m } from "../paraglide/messages.js";

/** The Workspace's roles for a form that assigns them: loaded once, with its error and a retry. */
export class RoleOptions {
  list = $state.raw<RoleSummary[] | null>(null);
  error = $state<AppError | null>(null);

  readonly #onLoad: (list: RoleSummary[]) => void;

  /** `onLoad` runs after every successful load, the first one and any retry. */
  constructor(onLoad: (list: RoleSummary[]) => void = () => {}) {
    this.#onLoad = onLoad;
  }

  async load(): Promise<void> {
    this.error = null;
    try {
      const list = await rolesList();
      this.list = list;
      this.#onLoad(list);
    } catch (raw) {
      this.error = toAppError(raw);
    }
  }
}

/** What a user's role reads as: "Super-user", or the names of their roles in list order. */
export function roleLabel(isSuperUser: boolean, roleIds: readonly string[], roles: readonly RoleSummary[]): string {
  if (isSuperUser) return m.roles_super_user();
  return roles
    .filter((role) => roleIds.includes(role.id))
    .map((role) => role.name)
    .join(", ");
}
