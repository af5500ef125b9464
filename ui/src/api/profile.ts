import type { OwnPasswordChange } from "../bindings/OwnPasswordChange";
import type { ProfileUpdate } from "../bindings/ProfileUpdate";
import type { SessionInfo } from "../bindings/SessionInfo";
import type { UserDetails } from "../bindings/UserDetails";
import { call } from "./call";

export const profileUpdate = (input: ProfileUpdate) => call<UserDetails>("profile_update", { input });

export const profileChangePassword = (input: OwnPasswordChange) =>
  call<SessionInfo>("profile_change_password", { input });
