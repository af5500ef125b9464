import type { AppError } from "../bindings/AppError";
import type { Field } from "../bindings/Field";

/**
 * Splits an `AppError` between the fields a form shows (message under the field) and the form
 * itself (an inline alert), so an error about a field the form does not show is never lost.
 */
export class FormErrors {
  fields = $state<Partial<Record<Field, string>>>({});
  form = $state<AppError | null>(null);

  readonly #owned: ReadonlySet<Field>;
  readonly #aliases: Readonly<Partial<Record<Field, Field>>>;

  /**
   * `aliases` maps another name the core may use for the same input (the password policy says
   * `password` where a form's input is `newPassword`) to the field the form shows.
   */
  constructor(ownedFields: readonly Field[], aliases: Readonly<Partial<Record<Field, Field>>> = {}) {
    this.#owned = new Set(ownedFields);
    this.#aliases = aliases;
  }

  show(error: AppError): void {
    this.clear();
    const field = error.field === null ? null : (this.#aliases[error.field] ?? error.field);
    if (field !== null && this.#owned.has(field)) {
      this.fields = { [field]: error.message };
    } else {
      this.form = error;
    }
  }

  clear(): void {
    this.fields = {};
    this.form = null;
  }
}
