import { Channel } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ChangeNotApplied } from "../bindings/ChangeNotApplied";
import type { CopyProgress } from "../bindings/CopyProgress";
import type { DataChanged } from "../bindings/DataChanged";
import type { JoinInput } from "../bindings/JoinInput";
import type { JoinOutcome } from "../bindings/JoinOutcome";
import type { ShareInput } from "../bindings/ShareInput";
import type { SyncStatus } from "../bindings/SyncStatus";
import { call } from "./call";

export const syncStatus = () => call<SyncStatus>("sync_status");

export const syncNow = () => call<null>("sync_now");

export const syncChangesNotApplied = () => call<ChangeNotApplied[]>("sync_changes_not_applied");

export const syncChangeRetry = (seq: number) => call<null>("sync_change_retry", { seq });

export const syncChangeDiscard = (seq: number) => call<null>("sync_change_discard", { seq });

export const hubLeave = (discardWaiting: boolean) => call<SyncStatus>("hub_leave", { discardWaiting });

export const hubSignInAgain = (password: string) => call<null>("hub_sign_in_again", { password });

/** Runs `command` with a progress channel; progress after the end is dropped. */
async function withProgress<T>(
  command: string,
  input: ShareInput | JoinInput,
  onProgress: (progress: CopyProgress) => void,
): Promise<T> {
  const channel = new Channel<CopyProgress>();
  channel.onmessage = onProgress;
  try {
    return await call<T>(command, { input, onProgress: channel });
  } finally {
    channel.onmessage = () => {};
  }
}

/** "Share through a Roster hub": copies the Workspace up; it becomes the hub's replica. */
export const hubShare = (input: ShareInput, onProgress: (progress: CopyProgress) => void) =>
  withProgress<SyncStatus>("hub_share", input, onProgress);

/** "Join a Workspace on a hub": copies down what the user may see and signs in. */
export const hubJoin = (input: JoinInput, onProgress: (progress: CopyProgress) => void) =>
  withProgress<JoinOutcome>("hub_join", input, onProgress);

/** The sync loop's state, whenever it changes. */
export const onSyncStatus = (listener: (status: SyncStatus) => void): Promise<UnlistenFn> =>
  listen<SyncStatus>("sync-status", (event) => listener(event.payload));

/** Rows a pull from the hub wrote. */
export const onDataChanged = (listener: (changed: DataChanged) => void): Promise<UnlistenFn> =>
  listen<DataChanged>("data-changed", (event) => listener(event.payload));
