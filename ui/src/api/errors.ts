import type { AppError } from "../bindings/AppError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { Field } from "../bindings/Field";
import { m } from "../paraglide/messages.js";

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function describe(raw: unknown): string {
  if (typeof raw === "string" && raw.length > 0) return raw;
  if (raw instanceof Error && raw.message.length > 0) return raw.message;
  return m.shell_error_unknown();
}

/**
 * Turns whatever a rejected `invoke` produced into an `AppError`. The core always rejects with
 * the `{ code, message, field, targetId }` shape; anything else (a Tauri-level failure, a bug in
 * the UI) becomes `INTERNAL` so callers have one shape to handle.
 */
export function toAppError(raw: unknown): AppError {
  if (typeof raw === "object" && raw !== null) {
    const { code, message, field, targetId } = raw as Record<string, unknown>;
    if (typeof code === "string" && typeof message === "string") {
      // Both unions are generated from the same Rust enums that produced the value.
      return {
        code: code as ErrorCode,
        message,
        field: stringOrNull(field) as Field | null,
        targetId: stringOrNull(targetId),
      };
    }
  }
  return { code: "INTERNAL", message: describe(raw), field: null, targetId: null };
}
