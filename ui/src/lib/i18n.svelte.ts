import { baseLocale, locales, overwriteGetLocale } from "../paraglide/runtime.js";

/** A language the UI is written in (the catalogue in `ui/messages/<area>/<language>.json`). */
export type Language = (typeof locales)[number];

/**
 * The first of the system's preferred languages (`navigator.languages`, which the web view takes
 * from the OS) that Roster speaks, by its primary subtag ("es-MX" → Spanish); English otherwise.
 */
export function systemLanguage(preferred: readonly string[] = navigator.languages): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    const found = locales.find((language) => language === primary);
    if (found) return found;
  }
  return baseLocale;
}

let current = $state<Language>(systemLanguage());

// Every message function asks `getLocale()`; reading reactive state there makes each text in a
// template follow a change of language without reloading the window or losing what is typed.
overwriteGetLocale(() => current);

/** The language the UI speaks now; also the locale of its dates, numbers and plurals. */
export function language(): Language {
  return current;
}

/** Speaks `next` from now on (and tells assistive technology through `<html lang>`). */
export function setLanguage(next: Language): void {
  current = next;
  document.documentElement.lang = next;
}
