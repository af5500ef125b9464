import { call } from "./call";

/** The language the signed-in user chose on this computer; null when they follow the system. */
export const preferencesLanguageGet = () => call<string | null>("preferences_language_get");

/** Chooses the signed-in user's language on this computer; null follows the system again. */
export const preferencesLanguageSet = (language: string | null) =>
  call<null>("preferences_language_set", { language });
