import { describe, expect, it } from "vitest";
import { toAppError } from "./errors";

describe("toAppError", () => {
  it("keeps an error from the core as it is", () => {
    const raw = { code: "EMAIL_TAKEN", message: "Taken.", field: "email", targetId: null };
    expect(toAppError(raw)).toEqual(raw);
  });

  it("fills in a missing field and targetId", () => {
    expect(toAppError({ code: "FORBIDDEN", message: "No." })).toEqual({
      code: "FORBIDDEN",
      message: "No.",
      field: null,
      targetId: null,
    });
  });

  it("turns anything else into INTERNAL", () => {
    expect(toAppError("command users_list not found")).toEqual({
      code: "INTERNAL",
      message: "command users_list not found",
      field: null,
      targetId: null,
    });
    expect(toAppError(new Error("boom")).code).toBe("INTERNAL");
    expect(toAppError({ code: 42 }).code).toBe("INTERNAL");
    expect(toAppError(undefined)).toEqual({ code: "INTERNAL", message: "Something went wrong.", field: null, targetId: null });
  });
});
