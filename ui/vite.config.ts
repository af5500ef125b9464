import { paraglideVitePlugin } from "@inlang/paraglide-js";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";
import { defineConfig } from "vitest/config";

// Tauri sets TAURI_DEV_HOST when the dev server must be reachable from a device (mobile dev).
const host = process.env.TAURI_DEV_HOST;

export default defineConfig({
  // Paraglide compiles the message catalogue (project.inlang, messages/) into src/paraglide; the
  // language is Roster's own choice (lib/i18n.svelte.ts), so no URL, cookie or storage strategy.
  plugins: [
    paraglideVitePlugin({
      project: "./project.inlang",
      outdir: "./src/paraglide",
      emitTsDeclarations: true,
      strategy: ["baseLocale"],
    }),
    svelte(),
    svelteTesting(),
  ],
  // Keep Rust compiler output visible when `tauri dev` runs Vite in the same terminal.
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    host: host || false,
    hmr: host ? { protocol: "ws", host, port: 5174 } : undefined,
  },
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebView2 on Windows is Chromium; macOS and Linux use WebKit.
    target: process.env.TAURI_ENV_PLATFORM === "windows" ? "chrome105" : "safari15",
    sourcemap: Boolean(process.env.TAURI_ENV_DEBUG),
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
});
