import { toAppError } from "../api/errors";
import { cancelExport, exportUsers, revealExport } from "../api/export";
import type { ListQuery } from "../api/users";
import type { AppError } from "../bindings/AppError";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportOutcome } from "../bindings/ExportOutcome";
import type { ExportProgress } from "../bindings/ExportProgress";

/** "All users": everyone, current and removed, by name. */
export const ALL_USERS: ListQuery = { search: "", filter: "all", sort: "name", direction: "asc" };

/**
 * One download at a time and what the Users screen shows about it: progress while it runs, then
 * the saved file, an error, or nothing (save dialog cancelled, download cancelled).
 */
export class Download {
  running = $state(false);
  /** null until the first progress message: the bar is indeterminate. */
  progress = $state<ExportProgress | null>(null);
  outcome = $state<ExportOutcome | null>(null);
  error = $state<AppError | null>(null);

  #cancelling = false;

  async start(format: ExportFormat, query: ListQuery): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.progress = null;
    this.outcome = null;
    this.error = null;
    this.#cancelling = false;
    try {
      this.outcome = await exportUsers(format, query, (progress) => (this.progress = progress));
    } catch (raw) {
      const error = toAppError(raw);
      if (error.code !== "CANCELLED") this.error = error;
    } finally {
      this.running = false;
      this.progress = null;
    }
  }

  async cancel(): Promise<void> {
    if (!this.running || this.#cancelling) return;
    this.#cancelling = true;
    try {
      await cancelExport();
    } catch (raw) {
      this.#cancelling = false;
      if (this.running) this.error = toAppError(raw);
    }
  }

  async reveal(): Promise<void> {
    this.error = null;
    try {
      await revealExport();
    } catch (raw) {
      this.error = toAppError(raw);
    }
  }

  dismissOutcome(): void {
    this.outcome = null;
  }

  dismissError(): void {
    this.error = null;
  }
}
