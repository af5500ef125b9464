import { Channel } from "@tauri-apps/api/core";
import type { UpdateCheck } from "../bindings/UpdateCheck";
import type { UpdateProgress } from "../bindings/UpdateProgress";
import { call } from "./call";

/** Asks Roster's update server for a newer signed release; rejects with `UPDATE_UNREACHABLE` offline. */
export const updateCheck = () => call<UpdateCheck>("update_check");

/**
 * Downloads, verifies and installs the release the last check offered, then Roster restarts into it
 * (so on success this rarely resolves). Rejects with `UPDATE_UNVERIFIED` when the download is not
 * signed with Roster's key, `UPDATE_FAILED` or `UPDATE_UNREACHABLE` otherwise.
 */
export async function updateInstall(onProgress: (progress: UpdateProgress) => void): Promise<void> {
  const channel = new Channel<UpdateProgress>();
  channel.onmessage = onProgress;
  try {
    await call<null>("update_install", { onProgress: channel });
  } finally {
    channel.onmessage = () => {};
  }
}
