import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AppError } from "../bindings/AppError";
import { toAppError } from "./errors";

type SessionLostListener = (error: AppError) => void;

let sessionLost: SessionLostListener | null = null;

/**
 * Lets the app shell react in one place when any command says the session is gone
 * (`UNAUTHENTICATED`) or must change its password first (`PASSWORD_CHANGE_REQUIRED`).
 */
export function onSessionLost(listener: SessionLostListener): () => void {
  sessionLost = listener;
  return () => {
    if (sessionLost === listener) sessionLost = null;
  };
}

/** Invokes a command; a rejection is always an `AppError`. */
export async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    const error = toAppError(raw);
    if (error.code === "UNAUTHENTICATED" || error.code === "PASSWORD_CHANGE_REQUIRED") {
      sessionLost?.(error);
    }
    throw error;
  }
}
