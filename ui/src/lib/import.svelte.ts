import { toAppError } from "../api/errors";
import { importApply, importCancel, importPreview } from "../api/import";
import type { AppError } from "../bindings/AppError";
import type { ImportOptions } from "../bindings/ImportOptions";
import type { ImportOutcome } from "../bindings/ImportOutcome";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { ImportProgress } from "../bindings/ImportProgress";

/**
 * The preview of the open file under the options on screen. Options change often (a select, a
 * tick), so requests wait `delay` ms for the next change and only the latest is sent. They are
 * also sent one at a time: the core keeps the *last* preview it computed for Apply and for
 * `users_import_rows`, so two in flight could leave it holding an older one than the screen shows.
 */
export class ImportPreviewer {
  preview = $state.raw<ImportPreview | null>(null);
  /** A preview for the options on screen is still to come: Apply waits for it. */
  pending = $state(false);
  error = $state<AppError | null>(null);
  /** Counts the previews that arrived, so the rows table knows to reload. */
  generation = $state(0);

  #latest = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #last: ImportOptions | null = null;

  request(options: ImportOptions, delay: number): void {
    const mine = ++this.#latest;
    this.#last = options;
    this.pending = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#queue = this.#queue.then(() => this.#send(mine, options));
    }, delay);
  }

  /** Asks again with the last options (after an error). */
  retry(): void {
    if (this.#last !== null) this.request(this.#last, 0);
  }

  /** Nothing more is asked or taken in (the dialog closed). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#latest += 1;
  }

  async #send(mine: number, options: ImportOptions): Promise<void> {
    // A newer request came while this one waited its turn: only the newest is worth asking.
    if (mine !== this.#latest) return;
    try {
      const preview = await importPreview(options);
      if (mine !== this.#latest) return;
      this.preview = preview;
      this.error = null;
      this.generation += 1;
    } catch (raw) {
      if (mine !== this.#latest) return;
      this.error = toAppError(raw);
    }
    this.pending = false;
  }
}

/** A running Apply: its progress, then its outcome or error. */
export class ImportApplying {
  running = $state(false);
  /** null until the first progress message (the passwords save dialog may be open until then). */
  progress = $state.raw<ImportProgress | null>(null);
  outcome = $state.raw<ImportOutcome | null>(null);
  error = $state<AppError | null>(null);
  cancelling = $state(false);

  /**
   * Applies the core's last preview. Resolves to what happened: `"applied"` (see `outcome`),
   * `"dismissed"` (the passwords save dialog was cancelled: nothing applied) or `"failed"`
   * (see `error`).
   */
  async start(): Promise<"applied" | "dismissed" | "failed"> {
    this.running = true;
    this.progress = null;
    this.outcome = null;
    this.error = null;
    this.cancelling = false;
    try {
      const outcome = await importApply((progress) => (this.progress = progress));
      this.outcome = outcome;
      return outcome === null ? "dismissed" : "applied";
    } catch (raw) {
      this.error = toAppError(raw);
      return "failed";
    } finally {
      this.running = false;
      this.cancelling = false;
    }
  }

  /** Stops after the current batch; `start` then resolves with an outcome that says `cancelled`. */
  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    try {
      await importCancel();
    } catch (raw) {
      this.cancelling = false;
      if (this.running) this.error = toAppError(raw);
    }
  }
}
