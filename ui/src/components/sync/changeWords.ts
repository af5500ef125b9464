import type { AppError } from "../../bindings/AppError";
import type { ChangeAction } from "../../bindings/ChangeAction";
import type { ChangeValue } from "../../bindings/ChangeValue";
import type { Permission } from "../../bindings/Permission";
import type { Status } from "../../bindings/Status";
import { statusLabel } from "../../lib/format";
import { PERMISSION_GROUPS } from "../../lib/permissions";

const ACTIONS: Record<ChangeAction, string> = {
  addUser: "Add user",
  editUser: "Edit",
  editProfile: "My profile",
  removeUser: "Remove from Workspace",
  restoreUser: "Restore",
  resetPassword: "Change password",
  inviteUser: "Send invitation",
  resendInvitation: "Resend invitation",
  revokeInvitation: "Revoke invitation",
  addRole: "Add role",
  editRole: "Edit role",
  deleteRole: "Delete role",
};

const FIELDS: Record<ChangeValue["field"], string> = {
  firstName: "First name",
  lastName: "Last name",
  email: "Email",
  phone: "Phone",
  roles: "Roles",
  superUser: "Super-user",
  status: "Status",
  password: "Password",
  name: "Name",
  description: "Description",
  permissions: "Permissions",
  moveTo: "Users move to",
};

const PERMISSION_LABELS = new Map<string, string>(
  PERMISSION_GROUPS.flatMap((group) => group.permissions.map((p) => [p.permission, p.label] as const)),
);

/** The action as its button or menu item reads. */
export const actionLabel = (action: ChangeAction): string => ACTIONS[action];

/** The field's label. */
export const fieldLabel = (value: ChangeValue): string => FIELDS[value.field];

/** The field's value in words. */
export function fieldValue(value: ChangeValue): string {
  switch (value.field) {
    case "superUser":
      return "Yes (every permission)";
    case "password":
      return "A new password";
    case "status":
      return value.values.map((v) => statusLabel(v as Status)).join(", ");
    case "permissions":
      return value.values.length === 0
        ? "None"
        : value.values.map((v) => PERMISSION_LABELS.get(v as Permission) ?? v).join(", ");
    case "roles":
      return value.values.length === 0 ? "None" : value.values.join(", ");
    default:
      return value.values[0] === "" || value.values.length === 0 ? "—" : value.values.join(", ");
  }
}

/** "1 change" / "3 changes". */
export const changesLabel = (count: number): string => (count === 1 ? "1 change" : `${count} changes`);

/**
 * Why the hub refused a change. The core's CONFLICT message tells someone at this screen to
 * reload; here the Workspace's state is beside it, so it says what happened instead.
 */
export function refusalReason(error: AppError): string {
  return error.code === "CONFLICT"
    ? "Someone changed this on another computer before your change reached the hub."
    : error.message;
}
