import { describe, expect, it } from "vitest";
import { importFile, importOutcome, importRow } from "../test/fixtures";
import { cancelledSummary, formatLine, outcomeSummary, rowText, seatsChange, timeLeft } from "./importWords";

describe("Import words", () => {
  it("says how a file was read", () => {
    expect(formatLine(importFile())).toBe("CSV · UTF-16 LE · semicolon");
    expect(formatLine(importFile({ encoding: "UTF-8 with BOM", delimiter: "," }))).toBe("CSV · UTF-8 with BOM · comma");
    expect(formatLine(importFile({ format: "xlsx", encoding: null, delimiter: null }))).toBe("Excel");
    expect(formatLine(importFile({ format: "json", encoding: null, delimiter: null }))).toBe("JSON");
  });

  it("says how the seats move, with a real minus sign", () => {
    expect(seatsChange(37)).toBe("+37 seats");
    expect(seatsChange(1)).toBe("+1 seat");
    expect(seatsChange(0)).toBe("No change in seats");
    expect(seatsChange(-2)).toBe("−2 seats");
  });

  it("estimates the time left from the pace so far, only once there is some", () => {
    expect(timeLeft({ done: 0, total: 5000, elapsedMs: 10_000 })).toBeNull();
    // Too early to tell: the first batch is not a pace.
    expect(timeLeft({ done: 100, total: 5000, elapsedMs: 500 })).toBeNull();
    expect(timeLeft({ done: 5000, total: 5000, elapsedMs: 60_000 })).toBeNull();
    // 30 s for 1,200 rows: 3,800 to go take 95 s.
    expect(timeLeft({ done: 1200, total: 5000, elapsedMs: 30_000 })).toBe("about 2 minutes left");
    expect(timeLeft({ done: 4000, total: 5000, elapsedMs: 40_000 })).toBe("about 10 seconds left");
    expect(timeLeft({ done: 4999, total: 5000, elapsedMs: 4_000 })).toBe("about 1 second left");
    expect(timeLeft({ done: 1000, total: 150_000, elapsedMs: 60_000 })).toBe("about 2 hours left");
  });

  it("says what a row will do and what it did", () => {
    expect(rowText(importRow(2), false)).toBe("Add (active)");
    expect(rowText(importRow(2), true)).toBe("Added (active)");
    const update = importRow(3, { action: "update", status: null, changes: [{ field: "Phone", from: "", to: "0711" }] });
    expect(rowText(update, false)).toBe("Update: Phone (empty) → 0711");
    expect(rowText(update, true)).toBe("Updated: Phone (empty) → 0711");
    const error = importRow(4, { action: "error", status: null, error: { column: null, message: "The row is empty." } });
    expect(rowText(error, false)).toBe("Error — The row is empty.");
  });

  it("sums up an outcome", () => {
    expect(outcomeSummary(importOutcome())).toBe("Added 37, updated 4, restored 1; 2 rows not imported.");
    expect(outcomeSummary(importOutcome({ totals: { add: 0, update: 1, restore: 0, noChange: 9, error: 1 } }))).toBe(
      "Updated 1; 1 row not imported.",
    );
    expect(outcomeSummary(importOutcome({ totals: { add: 0, update: 0, restore: 0, noChange: 9, error: 0 } }))).toBe(
      "Nothing was changed.",
    );
    expect(cancelledSummary(importOutcome({ cancelled: true, notReached: 1 }))).toBe(
      "Cancelled: the first 42 changes were applied and stay; 1 was not reached.",
    );
  });
});
