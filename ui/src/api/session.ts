import type { SessionInfo } from "../bindings/SessionInfo";
import type { SignInInput } from "../bindings/SignInInput";
import { call } from "./call";

export const sessionSignIn = (input: SignInInput) => call<SessionInfo>("session_sign_in", { input });

export const sessionSignOut = () => call<null>("session_sign_out");
