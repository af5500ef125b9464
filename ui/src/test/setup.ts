import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, vi } from "vitest";
import { setLanguage } from "../lib/i18n.svelte";

// jsdom does no layout. Every element reports a fixed viewport-sized box so the virtualised list
// has a window to fill; rows are laid out by the list itself, so this is all it reads.
export const VIEWPORT_HEIGHT = 440;
export const VIEWPORT_WIDTH = 900;

Object.defineProperties(HTMLElement.prototype, {
  clientHeight: { configurable: true, get: () => VIEWPORT_HEIGHT },
  clientWidth: { configurable: true, get: () => VIEWPORT_WIDTH },
  offsetHeight: { configurable: true, get: () => VIEWPORT_HEIGHT },
  offsetWidth: { configurable: true, get: () => VIEWPORT_WIDTH },
  scrollHeight: {
    configurable: true,
    // The list's spacer carries the full height; a scroller is as tall as what it holds.
    get(this: HTMLElement) {
      const child = this.firstElementChild;
      return child instanceof HTMLElement ? Number.parseFloat(child.style.height) || VIEWPORT_HEIGHT : VIEWPORT_HEIGHT;
    },
  },
});

class ResizeObserverStub implements ResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= ResizeObserverStub;

// An element scroll in a browser moves `scrollTop` and fires `scroll`; do the same.
Element.prototype.scrollTo = function scrollTo(this: Element, options?: ScrollToOptions | number, y?: number): void {
  const top = typeof options === "number" ? (y ?? 0) : (options?.top ?? this.scrollTop);
  this.scrollTop = top;
  this.dispatchEvent(new Event("scroll"));
} as Element["scrollTo"];

// The component tests read English words; the Spanish ones choose Spanish themselves.
beforeEach(() => {
  setLanguage("en");
});

afterEach(async () => {
  // Unmount first and let event listeners stop: `listen` resolves before its listener can be
  // removed, and removing it goes through the mocked IPC that clearMocks takes away.
  cleanup();
  vi.useRealTimers();
  await new Promise((resolve) => setTimeout(resolve, 0));
  clearMocks();
});
