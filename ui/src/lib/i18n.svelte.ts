import { baseLocale, locales, overwriteGetLocale } from "../paraglide/runtime.js";

/** A language the UI is written in (the catalogue in `ui/messages/<area>/<language>.json`). */
export type Language = (typeof locales)[number];

/** Every language the UI is written in, English first. */
export const LANGUAGES: readonly Language[] = locales;

// The OS's preferred languages: the shell reports them at start (`LaunchState.systemLanguages`);
// until then the web view's guess.
let system: readonly string[] = navigator.languages;

/**
 * The first of the system's preferred languages that Roster speaks, by its primary subtag
 * ("es-MX" → Spanish); English otherwise.
 */
export function systemLanguage(preferred: readonly string[] = system): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    const found = locales.find((language) => language === primary);
    if (found) return found;
  }
  return baseLocale;
}

/** The OS's preferred languages as the shell read them (BCP 47 tags, most preferred first). */
export function useSystemLanguages(tags: readonly string[]): void {
  system = tags;
}

let current = $state<Language>(systemLanguage());
let chosen = $state<Language | null>(null);

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

/** The signed-in user's choice in My profile, or null when they follow the system. */
export function chosenLanguage(): Language | null {
  return chosen;
}

/** Speaks the signed-in user's choice (`null`, or a language Roster lacks: the system's). */
export function applyChoice(choice: string | null): void {
  chosen = locales.find((language) => language === choice) ?? null;
  setLanguage(chosen ?? systemLanguage());
}
