import type { EmailSettings } from "../bindings/EmailSettings";
import type { EmailSettingsInput } from "../bindings/EmailSettingsInput";
import { call } from "./call";

export const settingsEmailGet = () => call<EmailSettings>("settings_email_get");

export const settingsEmailSave = (input: EmailSettingsInput) => call<EmailSettings>("settings_email_save", { input });

/** Sends a test email with the saved settings; a failure rejects with `MAIL` and its exact reason. */
export const settingsEmailTest = (to: string) => call<null>("settings_email_test", { to });
