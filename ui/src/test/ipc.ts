import { mockIPC } from "@tauri-apps/api/mocks";
import type { AppError } from "../bindings/AppError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { Field } from "../bindings/Field";

type Args = Record<string, unknown>;
export type Handler = (args: Args) => unknown;

export interface Call {
  command: string;
  args: Args;
}

/**
 * Answers commands from `handlers` (a command without one fails the test loudly) and records every
 * call with a plain copy of its arguments.
 */
export function mockCommands(handlers: Record<string, Handler>) {
  const calls: Call[] = [];
  mockIPC((command, payload) => {
    const args = JSON.parse(JSON.stringify(payload ?? {})) as Args;
    calls.push({ command, args });
    const handler = handlers[command];
    if (!handler) throw new Error(`unexpected command ${command}`);
    return handler(args);
  });
  return {
    calls,
    argsOf: (command: string) => calls.filter((call) => call.command === command).map((call) => call.args),
  };
}

export function appError(code: ErrorCode, message: string, field: Field | null = null, targetId: string | null = null) {
  const error: AppError = { code, message, field, targetId };
  return error;
}

/** A handler that rejects the way the core does. */
export function rejectWith(error: AppError): Handler {
  return () => Promise.reject(error);
}
