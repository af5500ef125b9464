import { onDataChanged, onSyncStatus, syncStatus } from "../api/sync";
import type { DataChanged } from "../bindings/DataChanged";
import type { SyncStatus } from "../bindings/SyncStatus";

/**
 * What the shell says about data that changed behind the screens' backs — rows a pull from
 * the hub wrote, mail the background loop sent — and the sync loop's status. Screens read
 * `count` and `last` in an effect and read again what concerns them; nothing polls.
 */
class Live {
  /** The sync loop's last status; null until known. */
  status = $state.raw<SyncStatus | null>(null);
  /** Moves on with every `data-changed` event. */
  count = $state(0);
  /** The last `data-changed` event. */
  last = $state.raw<DataChanged | null>(null);
  /** Moves on with every `sync-status` event (not reactive: only compared). */
  statusEvents = 0;

  /** Whether the last event touched the user `id`. */
  touchesUser(id: string): boolean {
    const last = this.last;
    return last !== null && (last.everything || last.changes.some((c) => c.table === "users" && c.id === id));
  }

  /** Whether the last event touched any row of `table`. */
  touches(table: "users" | "roles" | "workspaces"): boolean {
    const last = this.last;
    return last !== null && (last.everything || last.changes.some((c) => c.table === table));
  }

  /**
   * Takes a status a command answered, asked for when `statusEvents` read `since`: an event
   * the loop sent meanwhile is newer than the command's answer, which then is dropped.
   */
  adopt(status: SyncStatus, since: number): void {
    if (this.statusEvents === since) this.status = status;
  }

  /** Asks for the status now (after an action that changes it, such as Share or Retry). */
  async refresh(): Promise<void> {
    try {
      this.status = await syncStatus();
    } catch {
      // The status is a convenience; the next event brings it.
    }
  }

  /** Listens to the shell's events until the returned function is called. */
  start(): () => void {
    // A new session starts from nothing: the last one's status is not this one's.
    this.status = null;
    this.last = null;
    let stopped = false;
    const stops: (() => void)[] = [];
    const keep = (unlisten: () => void): void => {
      if (stopped) unlisten();
      else stops.push(unlisten);
    };
    void onSyncStatus((status) => {
      this.statusEvents += 1;
      this.status = status;
    }).then(keep);
    void onDataChanged((changed) => {
      this.last = changed;
      this.count += 1;
    }).then(keep);
    void this.refresh();
    return () => {
      stopped = true;
      for (const stop of stops) stop();
    };
  }
}

/** The one instance; the app shell starts it while someone is signed in. */
export const live = new Live();
