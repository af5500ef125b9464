import type { NewUser } from "../bindings/NewUser";
import type { NewUserStep } from "../bindings/NewUserStep";
import type { PasswordReset } from "../bindings/PasswordReset";
import type { UserDetails } from "../bindings/UserDetails";
import type { UserPage } from "../bindings/UserPage";
import type { UserQuery } from "../bindings/UserQuery";
import type { UserUpdate } from "../bindings/UserUpdate";
import { call } from "./call";

/** What the user list shows: a `UserQuery` without its paging. */
export type ListQuery = Omit<UserQuery, "after" | "limit">;

export const usersList = (query: UserQuery) => call<UserPage>("users_list", { query });

/** How many users match, for a page that left `matching` null (a search with many matches). */
export const usersCount = (query: UserQuery) => call<number>("users_count", { query });

export const usersGet = (id: string) => call<UserDetails>("users_get", { id });

export const usersCheckNew = (input: NewUser, step: NewUserStep) => call<null>("users_check_new", { input, step });

export const usersCreate = (input: NewUser) => call<UserDetails>("users_create", { input });

export const usersUpdate = (id: string, input: UserUpdate) => call<UserDetails>("users_update", { id, input });

export const usersRemove = (id: string) => call<UserDetails>("users_remove", { id });

export const usersRestore = (id: string) => call<UserDetails>("users_restore", { id });

export const usersResetPassword = (id: string, input: PasswordReset) =>
  call<null>("users_reset_password", { id, input });

export const passwordGenerate = () => call<string>("password_generate");
