import { describe, expect, it } from "vitest";
import { formatCount, formatDate, statusLabel, usersLabel } from "./format";
import { language, setLanguage, systemLanguage } from "./i18n.svelte";

describe("The UI's language", () => {
  it("follows the first preferred system language Roster speaks, by its primary subtag", () => {
    expect(systemLanguage(["es-MX", "en-US"])).toBe("es");
    expect(systemLanguage(["fr-FR", "es_ES"])).toBe("es");
    expect(systemLanguage(["de-DE"])).toBe("en");
    expect(systemLanguage([])).toBe("en");
  });

  it("words counts, plurals, statuses and dates in the chosen language", () => {
    setLanguage("es");
    expect(language()).toBe("es");
    expect(document.documentElement.lang).toBe("es");
    expect(usersLabel(1)).toBe("1 usuario");
    expect(usersLabel(12345)).toBe("12.345 usuarios");
    expect(formatCount(1234567)).toBe("1.234.567");
    expect(statusLabel("removed")).toBe("De baja");
    expect(formatDate("2026-12-01T12:00:00Z")).toBe("1 dic 2026");

    setLanguage("en");
    expect(usersLabel(12345)).toBe("12,345 users");
    expect(formatDate("2026-12-01T12:00:00Z")).toBe("Dec 1, 2026");
  });
});
