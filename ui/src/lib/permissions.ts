import type { Permission } from "../bindings/Permission";
import type { SessionInfo } from "../bindings/SessionInfo";
import { m } from "../paraglide/messages.js";

/** A group of the Roles form. */
export type PermissionGroup = "users" | "workspace";

/** The catalogue (DESIGN.md §1) grouped as the Roles form shows it, in catalogue order; the words
 * come from `permissionGroupTitle`, `permissionLabel` and `permissionExplanation`, in the UI's
 * language each time they are asked. */
export const PERMISSION_GROUPS: readonly { readonly id: PermissionGroup; readonly permissions: readonly Permission[] }[] = [
  {
    id: "users",
    permissions: [
      "users.view",
      "users.create",
      "users.invite",
      "users.edit",
      "users.remove",
      "users.reset_password",
      "users.export",
      "users.import",
    ],
  },
  { id: "workspace", permissions: ["roles.manage", "reports.view", "settings.manage"] },
];

/** Every permission, in catalogue order. */
export const PERMISSIONS: readonly Permission[] = PERMISSION_GROUPS.flatMap((group) => group.permissions);

/** Whether `value` (a string from elsewhere, e.g. a change the hub refused) names a permission. */
export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** A group's heading in the Roles form: "Users", "Workspace". */
export function permissionGroupTitle(group: PermissionGroup): string {
  switch (group) {
    case "users":
      return m.roles_permission_group_users();
    case "workspace":
      return m.roles_permission_group_workspace();
  }
}

/** A permission's name, as the Roles form lists it: "View users". */
export function permissionLabel(permission: Permission): string {
  switch (permission) {
    case "users.view":
      return m.roles_permission_users_view();
    case "users.create":
      return m.roles_permission_users_create();
    case "users.invite":
      return m.roles_permission_users_invite();
    case "users.edit":
      return m.roles_permission_users_edit();
    case "users.remove":
      return m.roles_permission_users_remove();
    case "users.reset_password":
      return m.roles_permission_users_reset_password();
    case "users.export":
      return m.roles_permission_users_export();
    case "users.import":
      return m.roles_permission_users_import();
    case "roles.manage":
      return m.roles_permission_roles_manage();
    case "reports.view":
      return m.roles_permission_reports_view();
    case "settings.manage":
      return m.roles_permission_settings_manage();
  }
}

/** What a permission lets its holder do, under its name in the Roles form. */
export function permissionExplanation(permission: Permission): string {
  switch (permission) {
    case "users.view":
      return m.roles_permission_users_view_explanation();
    case "users.create":
      return m.roles_permission_users_create_explanation();
    case "users.invite":
      return m.roles_permission_users_invite_explanation();
    case "users.edit":
      return m.roles_permission_users_edit_explanation();
    case "users.remove":
      return m.roles_permission_users_remove_explanation();
    case "users.reset_password":
      return m.roles_permission_users_reset_password_explanation();
    case "users.export":
      return m.roles_permission_users_export_explanation();
    case "users.import":
      return m.roles_permission_users_import_explanation();
    case "roles.manage":
      return m.roles_permission_roles_manage_explanation();
    case "reports.view":
      return m.roles_permission_reports_view_explanation();
    case "settings.manage":
      return m.roles_permission_settings_manage_explanation();
  }
}

/** Whether the signed-in user holds `permission` (a super-user holds all). */
export function can(session: SessionInfo, permission: Permission): boolean {
  return session.isSuperUser || session.permissions.includes(permission);
}

/**
 * Whether the signed-in user may act on `target` (edit, remove, change password) as the core
 * decides: only super-users manage super-users, and nobody manages a user holding a permission
 * they do not hold themselves.
 */
export function mayManage(
  session: SessionInfo,
  target: { id: string; isSuperUser: boolean; permissions: Permission[] },
): boolean {
  if (target.id === session.userId) return false;
  if (session.isSuperUser) return true;
  if (target.isSuperUser) return false;
  return target.permissions.every((p) => session.permissions.includes(p));
}

/** Whether the signed-in user may grant every permission in `permissions`. */
export function mayGrant(session: SessionInfo, permissions: Permission[]): boolean {
  return permissions.every((p) => can(session, p));
}
