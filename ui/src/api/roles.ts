import type { RoleDeletion } from "../bindings/RoleDeletion";
import type { RoleInput } from "../bindings/RoleInput";
import type { RoleSummary } from "../bindings/RoleSummary";
import { call } from "./call";

export const rolesList = () => call<RoleSummary[]>("roles_list");

export const rolesCreate = (input: RoleInput) => call<RoleSummary>("roles_create", { input });

export const rolesUpdate = (id: string, input: RoleInput) => call<RoleSummary>("roles_update", { id, input });

export const rolesDelete = (id: string, input: RoleDeletion) => call<null>("roles_delete", { id, input });
