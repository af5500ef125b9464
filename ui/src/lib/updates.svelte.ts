import { toAppError } from "../api/errors";
import { updateCheck, updateInstall } from "../api/updates";
import type { AppError } from "../bindings/AppError";
import type { UpdateOffer } from "../bindings/UpdateOffer";
import type { UpdateProgress } from "../bindings/UpdateProgress";

/** What the update dialog shows. */
export type UpdateStep =
  | { step: "checking" }
  | { step: "up-to-date"; currentVersion: string }
  | { step: "offer"; offer: UpdateOffer }
  | { step: "installing"; offer: UpdateOffer; progress: UpdateProgress | null }
  /** `offer` is set when installing it failed ("Try again" installs again), null when the check did. */
  | { step: "failed"; error: AppError; offer: UpdateOffer | null };

/**
 * Roster's updates as the window sees them: a quiet check at start that only ever announces a
 * newer release (no network means no noise), the name menu's explicit check, and the install.
 */
export class Updates {
  /** This copy knows an update server (a released build); builds from source have none. */
  enabled = $state(false);
  /** The release the check at start found, announced until "Later" or "See what's new". */
  announced = $state<UpdateOffer | null>(null);
  /** The dialog's content; null while it is closed. */
  dialog = $state<UpdateStep | null>(null);

  #checkedAtStart = false;

  /** Once per run: asks quietly and announces a newer release; any failure stays silent. */
  async checkAtStart(enabled: boolean): Promise<void> {
    this.enabled = enabled;
    if (!enabled || this.#checkedAtStart) return;
    this.#checkedAtStart = true;
    try {
      const found = await updateCheck();
      if (found.kind === "available" && this.dialog === null) this.announced = found;
    } catch {
      // Offline, or the server is down: the person did not ask, so nothing is shown.
    }
  }

  /** "See what's new" on the announcement. */
  showAnnounced(): void {
    if (this.announced === null) return;
    this.dialog = { step: "offer", offer: this.announced };
    this.announced = null;
  }

  /** "Later": the announcement goes until the next start. */
  dismissAnnounced(): void {
    this.announced = null;
  }

  /** "Check for updates" in the name menu: the dialog says what was found, or why nothing was. */
  async checkNow(): Promise<void> {
    if (this.dialog?.step === "installing") return;
    this.announced = null;
    this.dialog = { step: "checking" };
    try {
      const found = await updateCheck();
      if (this.dialog?.step !== "checking") return;
      this.dialog =
        found.kind === "available"
          ? { step: "offer", offer: found }
          : { step: "up-to-date", currentVersion: found.currentVersion };
    } catch (raw) {
      if (this.dialog?.step === "checking") this.dialog = { step: "failed", error: toAppError(raw), offer: null };
    }
  }

  /** "Install and restart": on success Roster restarts into the new version. */
  async install(offer: UpdateOffer): Promise<void> {
    if (this.dialog?.step === "installing") return;
    this.dialog = { step: "installing", offer, progress: null };
    try {
      await updateInstall((progress) => {
        if (this.dialog?.step === "installing") this.dialog = { ...this.dialog, progress };
      });
    } catch (raw) {
      this.dialog = { step: "failed", error: toAppError(raw), offer };
    }
  }

  /** Closes the dialog, except while installing: a half-installed update must not be walked away from. */
  close(): void {
    if (this.dialog?.step !== "installing") this.dialog = null;
  }
}
