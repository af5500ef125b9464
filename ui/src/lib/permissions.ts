import type { Permission } from "../bindings/Permission";
import type { SessionInfo } from "../bindings/SessionInfo";

/** One permission as the Roles form explains it. */
export interface PermissionInfo {
  permission: Permission;
  label: string;
  explanation: string;
}

/** The catalogue (DESIGN.md §1) grouped as the Roles form shows it, in catalogue order. */
export const PERMISSION_GROUPS: { title: string; permissions: PermissionInfo[] }[] = [
  {
    title: "Users",
    permissions: [
      { permission: "users.view", label: "View users", explanation: "See every user of the Workspace, not only themselves." },
      { permission: "users.create", label: "Add users", explanation: "Add users with a password." },
      { permission: "users.invite", label: "Invite users", explanation: "Add users by sending an email invitation." },
      { permission: "users.edit", label: "Edit users", explanation: "Change other users' names, phone and roles." },
      { permission: "users.remove", label: "Remove users", explanation: "Remove users from the Workspace and restore them." },
      {
        permission: "users.reset_password",
        label: "Change passwords",
        explanation: "Set a new password for another user.",
      },
      { permission: "users.export", label: "Download the user list", explanation: "Save the list as Excel or CSV." },
      {
        permission: "users.import",
        label: "Import users",
        explanation: "Add and update many users at once from a CSV or Excel file.",
      },
    ],
  },
  {
    title: "Workspace",
    permissions: [
      { permission: "roles.manage", label: "Manage roles", explanation: "Add, edit and delete roles." },
      { permission: "reports.view", label: "View reports", explanation: "See seats, invitations and users per role." },
      { permission: "settings.manage", label: "Manage settings", explanation: "Change Workspace settings such as email." },
    ],
  },
];

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
