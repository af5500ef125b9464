import { emit } from "@tauri-apps/api/event";
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
 * call with a plain copy of its arguments. Events work too: `listen` registers and `shellEmits`
 * reaches the listeners; neither is recorded as a call.
 */
export function mockCommands(handlers: Record<string, Handler>) {
  const calls: Call[] = [];
  mockIPC(
    (command, payload) => {
      const args = JSON.parse(JSON.stringify(payload ?? {})) as Args;
      calls.push({ command, args });
      const handler = handlers[command];
      if (!handler) throw new Error(`unexpected command ${command}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return {
    calls,
    argsOf: (command: string) => calls.filter((call) => call.command === command).map((call) => call.args),
  };
}

export function appError(code: ErrorCode, message: string, field: Field | null = null, targetId: string | null = null) {
  const error: AppError = { code, message, field, targetId };
  return error;
}

/** An event from the shell (`app.emit(event, payload)` in Rust), delivered to the UI's listeners. */
export function shellEmits(event: string, payload?: unknown): Promise<void> {
  return emit(event, payload);
}

/** A handler that rejects the way the core does. */
export function rejectWith(error: AppError): Handler {
  return () => Promise.reject(error);
}

interface TauriInternals {
  runCallback: (id: number, data: unknown) => void;
}

/**
 * The sending end of a `Channel` the UI passed to a command. `mockCommands` records arguments as
 * JSON, where a channel is `"__CHANNEL__:<id>"`; messages go to that callback id with an index, the
 * way the core sends them, so the real `Channel` (ordering included) handles them.
 */
export function channelOf(arg: unknown) {
  const match = /^__CHANNEL__:(\d+)$/.exec(String(arg));
  if (!match) throw new Error(`not a channel: ${String(arg)}`);
  const id = Number(match[1]);
  const internals = (window as unknown as { __TAURI_INTERNALS__: TauriInternals }).__TAURI_INTERNALS__;
  let index = 0;
  return {
    send(message: unknown): void {
      internals.runCallback(id, { index, message });
      index += 1;
    },
    end(): void {
      internals.runCallback(id, { index, end: true });
    },
  };
}

/** A promise a test settles when it chooses, for a command that takes a while. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}
