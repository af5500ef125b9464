import type { AppError } from "../../bindings/AppError";
import type { ChangeAction } from "../../bindings/ChangeAction";
import type { ChangeValue } from "../../bindings/ChangeValue";
import type { Status } from "../../bindings/Status";
import { statusLabel } from "../../lib/format";
import { isPermission, permissionLabel } from "../../lib/permissions";
import { m } from "../../paraglide/messages.js";

/** The action as its button or menu item reads. */
export function actionLabel(action: ChangeAction): string {
  switch (action) {
    case "addUser":
      return m.sync_action_add_user();
    case "editUser":
      return m.sync_action_edit_user();
    case "editProfile":
      return m.sync_action_edit_profile();
    case "removeUser":
      return m.sync_action_remove_user();
    case "restoreUser":
      return m.sync_action_restore_user();
    case "resetPassword":
      return m.sync_action_reset_password();
    case "inviteUser":
      return m.sync_action_invite_user();
    case "resendInvitation":
      return m.sync_action_resend_invitation();
    case "revokeInvitation":
      return m.sync_action_revoke_invitation();
    case "addRole":
      return m.sync_action_add_role();
    case "editRole":
      return m.sync_action_edit_role();
    case "deleteRole":
      return m.sync_action_delete_role();
  }
}

/** The field's label. */
export function fieldLabel(value: ChangeValue): string {
  switch (value.field) {
    case "firstName":
      return m.sync_field_first_name();
    case "lastName":
      return m.sync_field_last_name();
    case "email":
      return m.sync_field_email();
    case "phone":
      return m.sync_field_phone();
    case "roles":
      return m.sync_field_roles();
    case "superUser":
      return m.sync_field_super_user();
    case "status":
      return m.sync_field_status();
    case "password":
      return m.sync_field_password();
    case "name":
      return m.sync_field_name();
    case "description":
      return m.sync_field_description();
    case "permissions":
      return m.sync_field_permissions();
    case "moveTo":
      return m.sync_field_move_to();
  }
}

/** The field's value in words. */
export function fieldValue(value: ChangeValue): string {
  switch (value.field) {
    case "superUser":
      return m.sync_value_super_user();
    case "password":
      return m.sync_value_new_password();
    case "status":
      return value.values.map((v) => statusLabel(v as Status)).join(", ");
    case "permissions":
      return value.values.length === 0
        ? m.sync_value_none()
        : value.values.map((v) => (isPermission(v) ? permissionLabel(v) : v)).join(", ");
    case "roles":
      return value.values.length === 0 ? m.sync_value_none() : value.values.join(", ");
    default:
      return value.values[0] === "" || value.values.length === 0 ? "—" : value.values.join(", ");
  }
}

/** "1 change" / "3 changes". */
export const changesLabel = (count: number): string => m.sync_changes({ count });

/**
 * Why the hub refused a change. The core's CONFLICT message tells someone at this screen to
 * reload; here the Workspace's state is beside it, so it says what happened instead.
 */
export function refusalReason(error: AppError): string {
  return error.code === "CONFLICT" ? m.sync_change_refused_conflict() : error.message;
}
