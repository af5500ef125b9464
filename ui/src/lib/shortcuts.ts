import { anyDialogOpen } from "../components/Dialog.svelte";
import { m } from "../paraglide/messages.js";

/** macOS uses ⌘ for application shortcuts, Windows and Linux Ctrl (Apple HIG, "Keyboard shortcuts"). */
const mac = /Mac|iPhone|iPad/.test(navigator.userAgent);

/** The shortcut's name for `aria-keyshortcuts` (WAI-ARIA 1.2 §6.7): "Control+N" or "Meta+N". */
export function keyshortcut(key: string): string {
  return `${mac ? "Meta" : "Control"}+${key.toUpperCase()}`;
}

/** The shortcut as the platform writes it in a tooltip: "Ctrl+N" or "⌘N". */
export function shortcutLabel(key: string): string {
  return mac ? `⌘${key.toUpperCase()}` : m.shell_shortcut_ctrl({ key: key.toUpperCase() });
}

/**
 * Whether `event` is the platform's command key with `key` (and no other modifier), pressed where a
 * page shortcut may act: not while a dialog is open (it owns the keyboard) and not when something
 * else already handled the key.
 */
export function isShortcut(event: KeyboardEvent, key: string): boolean {
  const command = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  return (
    command &&
    !event.altKey &&
    !event.shiftKey &&
    !event.defaultPrevented &&
    event.key.toLowerCase() === key &&
    !anyDialogOpen()
  );
}
