import { describe, expect, it } from "vitest";
import { catalogue, inputsOf, uiSources, untranslated } from "./test/catalogue";

// Issue 13: every word of the UI comes from the message catalogue (ui/messages), and every
// language has every message with the same inputs.
describe("The message catalogue", () => {
  const areas = catalogue();
  const languages = [...new Set(areas.map((area) => area.language))];
  const english = areas.filter((area) => area.language === "en");

  it("has every message in every language, with the same inputs", () => {
    const problems: string[] = [];
    for (const base of english) {
      for (const language of languages.filter((l) => l !== "en")) {
        const other = areas.find((area) => area.area === base.area && area.language === language);
        const theirs = other?.messages ?? {};
        for (const [key, message] of Object.entries(base.messages)) {
          if (!(key in theirs)) problems.push(`${base.area}/${language}.json lacks ${key}`);
          else if (inputsOf(message).join() !== inputsOf(theirs[key]).join()) {
            problems.push(`${base.area}/${language}.json: ${key} takes {${inputsOf(theirs[key]).join(", ")}}, English {${inputsOf(message).join(", ")}}`);
          }
        }
        for (const key of Object.keys(theirs)) {
          if (!(key in base.messages)) problems.push(`${base.area}/${language}.json has ${key}, which English lacks`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("names each message once, prefixed by its area", () => {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const { area, messages } of english) {
      for (const key of Object.keys(messages)) {
        if (!key.startsWith(`${area}_`)) problems.push(`${area}: ${key} does not start with ${area}_`);
        const before = seen.get(key);
        if (before) problems.push(`${key} is in ${before} and ${area}`);
        seen.set(key, area);
      }
    }
    expect(problems).toEqual([]);
  });

  it("gives every message with variants a catch-all, so no count falls through to the key", () => {
    const problems = areas.flatMap(({ area, language, messages }) =>
      Object.entries(messages)
        .filter(([, message]) => Array.isArray(message))
        .filter(([, message]) => {
          const [variants] = message as [{ match: Record<string, string> }];
          return !Object.keys(variants.match).some((key) => key.split(",").every((part) => part.trim().endsWith("=*")));
        })
        .map(([key]) => `${area}/${language}.json: ${key} has no variant for every value (=*)`),
    );
    expect(problems).toEqual([]);
  });

  it("holds every word the UI shows: no text written into a component or module", () => {
    expect(uiSources().flatMap(untranslated)).toEqual([]);
  });
});
