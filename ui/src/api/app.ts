import type { CreateWorkspaceInput } from "../bindings/CreateWorkspaceInput";
import type { LaunchState } from "../bindings/LaunchState";
import type { SessionInfo } from "../bindings/SessionInfo";
import { call } from "./call";

export const appLaunchState = () => call<LaunchState>("app_launch_state");

export const workspaceCreate = (input: CreateWorkspaceInput) => call<SessionInfo>("workspace_create", { input });
